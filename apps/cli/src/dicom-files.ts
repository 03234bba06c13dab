import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** True when the file carries the Part 10 'DICM' prefix at offset 128 (PS3.10 7.1). */
export function hasDicomPrefix(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 128) === 4 && b.toString('latin1') === 'DICM';
  } finally {
    closeSync(fd);
  }
}

/**
 * The files named, and the Part 10 files found under the folders named (recursively, in name order).
 * A named file is taken as it is; inside folders, files without the DICM prefix are skipped and counted.
 */
export function collectDicomFiles(args: string[]): { files: string[]; skipped: number } {
  const files: string[] = [];
  let skipped = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && stat.size >= 132 && hasDicomPrefix(path)) files.push(path);
      else skipped++;
    }
  };
  for (const arg of args) {
    const stat = statSync(arg, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${arg}: no such file or folder`);
    if (stat.isDirectory()) walk(arg);
    else files.push(arg);
  }
  return { files, skipped };
}
