import { closeSync, createReadStream, mkdirSync, open as openCallback, openSync, ReadStream, statfsSync as statfsRaw } from 'node:fs';
import { FileHandle, link, mkdir, open, readdir, readFile, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { InstanceKey, instanceRelativePath } from './instance-path';
import { OutOfResourcesError, StorageError, TempFileStateError } from './storage.errors';
import { TempInstanceFile } from './temp-instance-file';

export interface InstanceFileStoreOptions {
  dataDir: string;
  /** free bytes to keep: a write that would go below is refused (OutOfResourcesError) */
  reserveBytes: number;
  /** told when a SOPInstanceUID comes again with other bytes (the first copy is kept) */
  /** empty temp files kept open ahead of need (default 4); 0 opens each when asked */
  spareTempFiles?: number;
  onConflict?: (event: { key: InstanceKey; relativePath: string; existingSha256: string; incomingSha256: string }) => void;
}

/** replaced: the stored copy was unreadable and the one sent again took its place (CommitOptions.replaceIf) */
export type CommitOutcome = 'stored' | 'duplicate' | 'conflict' | 'replaced';

export interface StoredInstanceFile {
  outcome: CommitOutcome;
  /** relative to DATA_DIR */
  relativePath: string;
  sizeBytes: number;
  /** sha256 of the data set (after File Meta) of the file kept */
  sha256: string;
}

function statfsSync(path: string): number {
  const s = statfsRaw(path);
  return s.bavail * s.bsize;
}

export interface CommitOptions {
  /**
   * Work to run once the file is durable in place (the index insert), told about the file as written; it answers
   * 'first' when it recorded this copy as the instance's first (a new index row). Commit resolves once both are
   * done, and fails if either does. Run after the file is durable, an index row always names a whole file; a
   * crash before it leaves at most a file no row knows, which the sender's resend replaces. Two commits of one
   * instance at once must not happen (IngestService holds a lock per SOPInstanceUID).
   */
  whenDurable?: (written: StoredInstanceFile) => Promise<'first' | 'again' | void>;
  /** asked on a conflict: true when the stored copy (its absolute path) is unreadable and this one should replace it */
  replaceIf?: (storedPath: string) => Promise<boolean>;
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
  private readonly dirHandles = new Map<string, Promise<FileHandle>>();
  private refreshing?: Promise<void>;
  private readonly spare: { path: string; fd: number }[] = [];
  private readonly spareTarget: number;
  private filling?: Promise<void>;
  private readonly opening = new Set<string>();
  private closed = false;

  constructor(private readonly options: InstanceFileStoreOptions) {
    this.spareTarget = options.spareTempFiles ?? 4;
    this.tempDir = join(options.dataDir, 'tmp');
    this.instancesDir = join(options.dataDir, 'instances');
  }

  /** Creates the folders and removes temp files a crash left behind. */
  async init(): Promise<void> {
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.instancesDir, { recursive: true });
    const spares = this.spareNames();
    for (const name of await readdir(this.tempDir)) if (name.endsWith('.part') && !spares.has(name)) await rm(join(this.tempDir, name), { force: true });
    await this.refreshFree();
  }

  /** Free bytes on the data volume (fs.statfs), at most 500 ms old. */
  async freeBytes(): Promise<number> {
    if (!this.free || Date.now() - this.free.at > 500) await this.refreshFree();
    return this.free!.bytes;
  }

  private async refreshFree(): Promise<void> {
    const s = await statfs(this.options.dataDir);
    this.free = { bytes: s.bavail * s.bsize, at: Date.now() };
  }

  /**
   * A temp file for one incoming instance, created at once (no thread-pool round trip before the data
   * can flow). Refused with OutOfResourcesError, before anything is written, when the free space would
   * fall below the reserve. The free space is statfs'd at most every 500 ms, in the background.
   */
  createTemp(options: { header?: Buffer; expectedBytes?: number } = {}): TempInstanceFile {
    if (!this.free || Date.now() - this.free.at > 500) {
      if (!this.free) this.free = { bytes: statfsSync(this.options.dataDir), at: Date.now() };
      else if (!this.refreshing) this.refreshing = this.refreshFree().finally(() => (this.refreshing = undefined));
    }
    const free = this.free.bytes;
    if (free - (options.expectedBytes ?? 0) < this.options.reserveBytes) throw new OutOfResourcesError(free, this.options.reserveBytes);
    // a file opened ahead of time: creating one can wait on the journal for a millisecond while other
    // instances fsync, and that wait would sit between the C-STORE command and its data
    const { path, fd } = this.spare.shift() ?? this.openTempSync();
    this.refill();
    return new TempInstanceFile(path, fd, { header: options.header, freeBytes: free, reserveBytes: this.options.reserveBytes });
  }

  private openTempSync(): { path: string; fd: number } {
    const path = join(this.tempDir, `${randomUUID()}.part`);
    try {
      return { path, fd: openSync(path, 'wx', 0o644) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(this.tempDir, { recursive: true });
      return { path, fd: openSync(path, 'wx', 0o644) };
    }
  }

  /** keeps `spareTempFiles` empty temp files open, created off the event loop */
  private refill(): void {
    if (this.filling || this.closed || this.spare.length >= this.spareTarget) return;
    this.filling = (async () => {
      while (this.spare.length < this.spareTarget && !this.closed) {
        const path = join(this.tempDir, `${randomUUID()}.part`);
        this.opening.add(basename(path));
        const fd = await new Promise<number>((resolve, reject) => openCallback(path, 'wx', 0o644, (error, fd) => (error ? reject(error) : resolve(fd))));
        this.opening.delete(basename(path));
        if (this.closed) {
          closeSync(fd);
          await rm(path, { force: true });
        } else this.spare.push({ path, fd });
      }
    })()
      .catch(() => undefined)
      .finally(() => (this.filling = undefined));
  }

  /**
   * Puts a finished temp file in place. A SOPInstanceUID already stored with the same data set bytes is
   * 'duplicate' (no second file); with other bytes 'conflict': the first copy is kept, the event reported.
   * The temp file is gone afterwards in every case.
   */
  async commit(temp: TempInstanceFile, key: InstanceKey, options: CommitOptions = {}): Promise<StoredInstanceFile> {
    if (!temp.written) throw new TempFileStateError('commit of a temp file that is not completely written');
    const relativePath = instanceRelativePath(key);
    const target = join(this.options.dataDir, relativePath);
    try {
      const written: StoredInstanceFile = { outcome: 'stored', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
      const placed = await this.place(temp, key, relativePath);
      // the temp name goes beside the index write: dropped before the fsyncs, it would change the inode they commit
      const [recorded] = await Promise.all([options.whenDurable?.(written), placed.outcome === 'stored' ? this.dropTemp(temp) : undefined]);
      if (placed.outcome !== 'stored' && recorded === 'first') {
        // A file was here that no index row knew: left by a crash before it was indexed (perhaps before it was
        // whole), so never acknowledged. The row just written describes this copy: make the file agree with it.
        await temp.sync();
        await rename(temp.path, target);
        temp.markRemoved();
        await this.fsyncDir(dirname(target));
        return written;
      }
      if (placed.outcome === 'conflict' && (await options.replaceIf?.(target))) {
        await temp.sync(); // place() syncs only a copy it linked
        await rename(temp.path, target); // atomic: a reader sees the old file or the new one, never half
        temp.markRemoved();
        await this.fsyncDir(dirname(target));
        return { outcome: 'replaced', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
      }
      if (placed.outcome === 'conflict') this.options.onConflict?.({ key, relativePath, existingSha256: placed.sha256, incomingSha256: temp.sha256 });
      return placed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new OutOfResourcesError(0, this.options.reserveBytes, 'ENOSPC while committing');
      throw error;
    } finally {
      await this.dropTemp(temp);
    }
  }

  /**
   * Links into place (never over an existing file), then makes the data, the inode and the new name durable: the
   * file's fsync commits all three in one journal transaction (ext4, xfs), the directory's fsync beside it says
   * the same to any POSIX file system. One disk flush per instance where data-then-name costs two.
   */
  private async place(temp: TempInstanceFile, key: InstanceKey, relativePath: string): Promise<StoredInstanceFile> {
    const target = join(this.options.dataDir, relativePath);
    const dir = dirname(target);
    await this.ensureDir(dir);
    try {
      await link(temp.path, target); // EEXIST when the instance is already here
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = await this.dataSetSha256(target);
      const size = (await stat(target)).size;
      return { outcome: existing === temp.sha256 ? 'duplicate' : 'conflict', relativePath, sizeBytes: size, sha256: existing };
    }
    // data and entry made durable together
    await Promise.all([temp.sync({ metadata: true }), this.fsyncDir(dir)]);
    return { outcome: 'stored', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
  }

  private dropTemp(temp: TempInstanceFile): Promise<void> {
    if (temp.removed) return Promise.resolve();
    temp.markRemoved();
    return unlink(temp.path).catch(() => undefined);
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

  /** Bytes of a stored file, as it is on disk. */
  async size(relativePath: string): Promise<number> {
    return (await stat(this.absolutePath(relativePath))).size;
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
    const isPart10 =
      bytes.length >= 144 &&
      bytes.toString('latin1', 128, 132) === 'DICM' &&
      bytes.readUInt16LE(132) === 0x0002 &&
      bytes.readUInt16LE(134) === 0 &&
      bytes.toString('latin1', 136, 138) === 'UL';
    const offset = isPart10 ? 144 + bytes.readUInt32LE(140) : 0;
    return createHash('sha256')
      .update(bytes.subarray(Math.min(offset, bytes.length)))
      .digest('hex');
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
      await this.fsyncDir(dirname(d));
    }
    this.knownDirs.add(dir);
  }

  /** fsync of a directory, its handle kept open for the next instance of the same series */
  private async fsyncDir(dir: string): Promise<void> {
    let handle = this.dirHandles.get(dir);
    if (!handle) {
      handle = open(dir, 'r');
      this.dirHandles.set(dir, handle);
      if (this.dirHandles.size > 32) {
        const [oldest, old] = this.dirHandles.entries().next().value as [string, Promise<FileHandle>];
        this.dirHandles.delete(oldest);
        void old.then((h) => h.close()).catch(() => undefined);
      }
    }
    try {
      await (await handle).sync();
    } catch (error) {
      this.dirHandles.delete(dir);
      throw error;
    }
  }

  /** Temp files neither spare nor finished: instances being received now, or what a failure left (none). */
  async strayTempFiles(): Promise<string[]> {
    const spares = this.spareNames();
    return (await readdir(this.tempDir)).filter((name) => !spares.has(name));
  }

  private spareNames(): Set<string> {
    return new Set([...this.spare.map((s) => basename(s.path)), ...this.opening]);
  }

  /** Closes the directory handles and spare temp files kept open. */
  async close(): Promise<void> {
    this.closed = true;
    await this.filling;
    for (const { path, fd } of this.spare.splice(0)) {
      closeSync(fd);
      await rm(path, { force: true });
    }
    const handles = [...this.dirHandles.values()];
    this.dirHandles.clear();
    await Promise.all(handles.map((h) => h.then((x) => x.close()).catch(() => undefined)));
  }
}
