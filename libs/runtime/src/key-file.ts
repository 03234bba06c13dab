import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret key Nidus makes for itself when NIDUS_CONFIG gives none: 32 random bytes in DATA_DIR/keys/<name>.key
 * (mode 0600), made by the first process and read by the others sharing DATA_DIR (gateway and workers sign and
 * check the same acknowledgement links). The exclusive create settles two processes starting at once.
 */
export function readOrCreateKey(dataDir: string, name: string): string {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${name}.key`);
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let attempt = 0; ; attempt++) {
    const key = readFileSync(path, 'utf8').trim();
    // another process may have created the file and not yet written it
    if (key.length >= 32 || attempt > 50) {
      if (key.length < 32) throw new Error(`${path} holds no key of 32 bytes or more`);
      return key;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}
