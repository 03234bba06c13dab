import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Part 10 file made by dcmtk's dump2dcm from a dcmdump-style text, for attributes our writer cannot
 * express (e.g. LUT Data, whose VR is US or OW). Options go to dump2dcm (e.g. '+te' for explicit little endian).
 */
export function dicomFromDump(dump: string, ...options: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-dump2dcm-'));
  try {
    writeFileSync(join(dir, 'in.dump'), dump);
    execFileSync('dump2dcm', ['+E', '-g', ...options, join(dir, 'in.dump'), join(dir, 'out.dcm')]);
    return readFileSync(join(dir, 'out.dcm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
