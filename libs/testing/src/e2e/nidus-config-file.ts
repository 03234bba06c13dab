import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a NIDUS_CONFIG file (JSON is YAML) into `directory`; returns its path. */
export function writeNidusConfig(directory: string, config: Record<string, unknown>, name = 'nidus.json'): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
