import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Result objects on disk: `<DATA_DIR>/results/<analysisId>/<kind>-<SOPInstanceUID>.dcm`, each written to a
 * temporary file, flushed and renamed, so a crash leaves either the whole file or none.
 */
export class ResultFileStore {
  constructor(private readonly dataDir: string) {}

  /** Writes the object; returns its path relative to DATA_DIR. The same name written twice keeps the bytes. */
  write(analysisId: string, kind: string, SOPInstanceUID: string, bytes: Uint8Array): string {
    if (!/^[0-9a-f-]{36}$/.test(analysisId) || !/^[0-9.]{1,64}$/.test(SOPInstanceUID) || !/^[a-z]{2,4}$/.test(kind)) {
      throw new Error(`refusing result path for ${analysisId}/${kind}/${SOPInstanceUID}`);
    }
    const relative = join('results', analysisId, `${kind}-${SOPInstanceUID}.dcm`);
    const dir = join(this.dataDir, 'results', analysisId);
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `.${kind}-${SOPInstanceUID}.${process.pid}.tmp`);
    const fd = openSync(temp, 'w');
    try {
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(this.dataDir, relative));
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return relative;
  }

  read(relativePath: string): Buffer {
    return readFileSync(join(this.dataDir, relativePath));
  }
}
