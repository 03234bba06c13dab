import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory holding package.json above this file (the source tree, or dist/ when compiled). */
export function repositoryRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + from);
    dir = parent;
  }
  return dir;
}
