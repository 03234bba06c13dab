import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from './nidus-config';

let cached: string | undefined;

/** Nidus's version, from package.json: SoftwareVersions of result objects, algorithm version, --version. */
export function nidusVersion(): string {
  cached ??= String(JSON.parse(readFileSync(join(findProjectRoot(__dirname), 'package.json'), 'utf8')).version);
  return cached;
}
