import { createReadStream, open as openCallback, ReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rm, stat, statfs, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { InstanceKey, instanceRelativePath } from './instance-path';
import { OutOfResourcesError, StorageError, TempFileStateError } from './storage.errors';
import { TempInstanceFile } from './temp-instance-file';

export interface InstanceFileStoreOptions {
  dataDir: string;
  /** free bytes to keep: a write that would go below is refused (OutOfResourcesError) */
  reserveBytes: number;
  /** told when a SOPInstanceUID comes again with other bytes (the first copy is kept) */
  onConflict?: (event: { key: InstanceKey; relativePath: string; existingSha256: string; incomingSha256: string }) => void;
}

export type CommitOutcome = 'stored' | 'duplicate' | 'conflict';

export interface StoredInstanceFile {
  outcome: CommitOutcome;
  /** relative to DATA_DIR */
  relativePath: string;
  sizeBytes: number;
  /** sha256 of the data set (after File Meta) of the file kept */
  sha256: string;
}

/** An instance path outside the store (a crafted relative path). */
export class InvalidStoragePathError extends StorageError {}

/**
 * Instance files under DATA_DIR/instances/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm.
 * Each is written to DATA_DIR/tmp, fdatasynced, linked into place (never over an existing file), and its
 * directory fsynced: once commit() resolves, the instance survives a crash.
 */
export class InstanceFileStore {
  readonly tempDir: string;
  readonly instancesDir: string;
  private readonly knownDirs = new Set<string>();
  private free?: { bytes: number; at: number };

  constructor(private readonly options: InstanceFileStoreOptions) {
    this.tempDir = join(options.dataDir, 'tmp');
    this.instancesDir = join(options.dataDir, 'instances');
  }

  /** Creates the folders and removes temp files a crash left behind. */
  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.instancesDir, { recursive: true });
    for (const name of await readdir(this.tempDir)) if (name.endsWith('.part')) await rm(join(this.tempDir, name), { force: true });
  }

  /** Free bytes on the data volume (fs.statfs), refreshed at most every 500 ms. */
  async freeBytes(): Promise<number> {
    const now = Date.now();
    if (!this.free || now - this.free.at > 500) {
      const s = await statfs(this.options.dataDir);
      this.free = { bytes: s.bavail * s.bsize, at: now };
    }
    return this.free.bytes;
  }

  /**
   * A temp file for one incoming instance. Refused with OutOfResourcesError, before anything is written,
   * when the free space would fall below the reserve.
   */
  async createTemp(options: { header?: Buffer; expectedBytes?: number } = {}): Promise<TempInstanceFile> {
    const free = await this.freeBytes();
    if (free - (options.expectedBytes ?? 0) < this.options.reserveBytes) throw new OutOfResourcesError(free, this.options.reserveBytes);
    const path = join(this.tempDir, `${randomUUID()}.part`);
    let fd: number;
    try {
      fd = await openFd(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(this.tempDir, { recursive: true });
      fd = await openFd(path);
    }
    return new TempInstanceFile(path, fd, { header: options.header, freeBytes: free, reserveBytes: this.options.reserveBytes });
  }

  /**
   * Puts a finished temp file in place. A SOPInstanceUID already stored with the same data set bytes is
   * 'duplicate' (no second file); with other bytes 'conflict': the first copy is kept, the event reported.
   * The temp file is gone afterwards in every case.
   */
  async commit(temp: TempInstanceFile, key: InstanceKey): Promise<StoredInstanceFile> {
    if (!temp.durable) throw new TempFileStateError('commit of a temp file that is not finished');
    const relativePath = instanceRelativePath(key);
    const target = join(this.options.dataDir, relativePath);
    const dir = dirname(target);
    try {
      await this.ensureDir(dir);
      try {
        await link(temp.path, target); // never replaces: EEXIST when the instance is already here
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = await this.dataSetSha256(target);
        const size = (await stat(target)).size;
        if (existing === temp.sha256) return { outcome: 'duplicate', relativePath, sizeBytes: size, sha256: existing };
        this.options.onConflict?.({ key, relativePath, existingSha256: existing, incomingSha256: temp.sha256 });
        return { outcome: 'conflict', relativePath, sizeBytes: size, sha256: existing };
      }
      await fsyncDir(dir);
      return { outcome: 'stored', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new OutOfResourcesError(0, this.options.reserveBytes, 'ENOSPC while committing');
      throw error;
    } finally {
      await unlink(temp.path).catch(() => undefined);
    }
  }

  /** Absolute path of a stored instance; refuses paths that leave the store. */
  absolutePath(relativePath: string): string {
    const root = resolve(this.instancesDir);
    const full = resolve(this.options.dataDir, relativePath);
    if (!full.startsWith(root + sep)) throw new InvalidStoragePathError(`${relativePath} is not an instance path`);
    return full;
  }

  openRead(relativePath: string, range?: { start: number; end?: number }): ReadStream {
    return createReadStream(this.absolutePath(relativePath), { highWaterMark: 256 * 1024, ...range });
  }

  read(relativePath: string): Promise<Buffer> {
    return readFile(this.absolutePath(relativePath));
  }

  /** The first `bytes` of a stored file (its header, for metadata). */
  async readHead(relativePath: string, bytes: number): Promise<Buffer> {
    const handle = await open(this.absolutePath(relativePath), 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** sha256 of a stored file's data set (after its File Meta), as TempInstanceFile computes it. */
  async dataSetSha256(absolutePath: string): Promise<string> {
    const bytes = await readFile(absolutePath);
    const isPart10 = bytes.length >= 144 && bytes.toString('latin1', 128, 132) === 'DICM' && bytes.readUInt16LE(132) === 0x0002 && bytes.readUInt16LE(134) === 0 && bytes.toString('latin1', 136, 138) === 'UL';
    const offset = isPart10 ? 144 + bytes.readUInt32LE(140) : 0;
    return createHash('sha256').update(bytes.subarray(Math.min(offset, bytes.length))).digest('hex');
  }

  /** mkdir -p, fsyncing each parent whose entry changed, so a new study folder survives a crash too */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const missing: string[] = [];
    for (let d = dir; !this.knownDirs.has(d); d = dirname(d)) {
      try {
        await stat(d);
        break;
      } catch {
        missing.unshift(d);
      }
      if (dirname(d) === d) break;
    }
    for (const d of missing) {
      await mkdir(d).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await fsyncDir(dirname(d));
    }
    this.knownDirs.add(dir);
  }
}

/** a raw descriptor (the Writable closes it), created exclusively */
function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => openCallback(path, 'wx', 0o644, (error, fd) => (error ? reject(error) : resolve(fd))));
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

