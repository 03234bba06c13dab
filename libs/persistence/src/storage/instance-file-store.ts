import {
  close as closeCallback,
  closeSync,
  createReadStream,
  fsync as fsyncCallback,
  fsyncSync,
  linkSync,
  mkdirSync,
  open as openCallback,
  openSync,
  ReadStream,
  statfsSync as statfsRaw,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { InstanceKey, instanceRelativePath } from './instance-path';
import { fsyncCoversNewEntry } from './new-entry-durability';
import { OutOfResourcesError, StorageError, TempFileStateError } from './storage.errors';
import { TempInstanceFile } from './temp-instance-file';

export interface InstanceFileStoreOptions {
  dataDir: string;
  /** free bytes to keep: a write that would go below is refused (OutOfResourcesError) */
  reserveBytes: number;
  /** empty temp files kept open ahead of need, for instances over a megabyte (default 4); 0 opens each when asked */
  spareTempFiles?: number;
  /** told when a SOPInstanceUID comes again with other bytes (the first copy is kept) */
  onConflict?: (event: { key: InstanceKey; relativePath: string; existingSha256: string; incomingSha256: string }) => void;
  /**
   * 'auto' (default): a file created under its final name is made durable by its own fsync alone where the file
   * system writes the new directory entry with it (ext4, xfs: new-entry-durability.ts); 'always' fsyncs the
   * directory too, everywhere.
   */
  directoryFsync?: 'auto' | 'always';
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
 * A small one (under a megabyte) is received in memory, no temp file made, then written straight under its final name
 * and fsynced, which on ext4 and xfs also makes its new entry durable (else its directory is fsynced
 * too); a larger one is received into DATA_DIR/tmp and linked into place and fsynced with its directory. Never over an existing file: once
 * commit() resolves, the instance survives a crash.
 */
export class InstanceFileStore {
  readonly tempDir: string;
  readonly instancesDir: string;
  private readonly knownDirs = new Set<string>();
  private free?: { bytes: number; at: number };
  /** directory descriptors kept open for their fsync, most recent last */
  private readonly dirFds = new Map<string, { fd: number; syncing: number }>();
  /** temp files created and not yet closed: instances being received or committed now */
  private active = 0;
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
    this.entrySyncedWithFile = this.options.directoryFsync !== 'always' && fsyncCoversNewEntry(this.options.dataDir);
  }

  /** the file system's fsync of a newly created file also makes its directory entry durable */
  private entrySyncedWithFile = false;

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
    const temp = new TempInstanceFile(() => this.takeTempFile(), { header: options.header, freeBytes: free, reserveBytes: this.options.reserveBytes });
    this.active++;
    temp.once('close', () => this.active--);
    return temp;
  }

  /**
   * A file for an instance that needs one (over a megabyte, or read from disk): one opened ahead of time if there is
   * one, since creating one can wait on the journal for a millisecond while other instances fsync, and that wait would
   * sit in the middle of the data.
   */
  private takeTempFile(): { path: string; fd: number } {
    const file = this.spare.shift() ?? this.openTempSync();
    this.refill();
    return file;
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
      // the temp name goes once the fsyncs are done (before them it would change the inode they commit); a crash
      // that loses its removal leaves a name in tmp/, which init() clears
      if (placed.outcome === 'stored') this.dropTemp(temp);
      const recorded = await options.whenDurable?.(written);
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
      this.dropTemp(temp);
    }
  }

  /**
   * Writes a small instance in place (writeInPlace), or links a large one into place (never over an existing file),
   * then makes the data, the inode and the new name durable: the file's fsync and, beside it, the directory's (the
   * file has two names then, and ext4 without a journal writes only one parent with the file).
   */
  private async place(temp: TempInstanceFile, key: InstanceKey, relativePath: string): Promise<StoredInstanceFile> {
    const target = join(this.options.dataDir, relativePath);
    const dir = dirname(target);
    await this.ensureDir(dir);
    const whole = temp.wholeFile();
    if (whole && (await this.writeInPlace(target, whole))) return { outcome: 'stored', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
    if (whole) return this.compareWithStored(target, relativePath, temp.sha256);
    try {
      // EEXIST when the instance is already here. Synchronous: a name added in the page cache takes tens of
      // microseconds, less than a round trip through the thread pool, which sits on every instance's path.
      linkSync(temp.path, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return this.compareWithStored(target, relativePath, temp.sha256);
    }
    // data and entry made durable together, in the thread pool (a large file's writeback must not hold the event loop)
    await Promise.all([temp.sync({ metadata: true }), this.fsyncDir(dir)]);
    return { outcome: 'stored', relativePath, sizeBytes: temp.size, sha256: temp.sha256 };
  }

  /** The instance is stored already: the same data set ('duplicate') or another ('conflict'), told by its sha256. */
  private async compareWithStored(target: string, relativePath: string, sha256: string): Promise<StoredInstanceFile> {
    const existing = await this.dataSetSha256(target);
    const size = (await stat(target)).size;
    return { outcome: existing === sha256 ? 'duplicate' : 'conflict', relativePath, sizeBytes: size, sha256: existing };
  }

  /**
   * A small instance (all its bytes in memory) written straight under its final name, created exclusively, and
   * fsynced: one disk flush, where link + directory fsync cost two. False, with nothing written, when the name exists
   * (the caller then compares with the copy there). On a failure the half-written file is removed: a name under
   * instances/ is only ever a whole file or one being written now. A crash while writing leaves one that no index row
   * knows, which the sender's resend replaces (commit's 'first' case).
   */
  private async writeInPlace(target: string, bytes: readonly Buffer[]): Promise<boolean> {
    let fd: number;
    try {
      fd = openSync(target, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      writeFully(fd, bytes);
      const dirSynced = this.entrySyncedWithFile ? undefined : this.fsyncDir(dirname(target));
      if (this.active === 1) {
        // The only instance in flight (one sender, one at a time): nothing else waits on the event loop, so the fsync
        // runs here, as a C server's would, and the path loses two thread wake-ups, which on a busy machine cost more
        // than the fsync. With several in flight it goes to the thread pool, and the disk flushes them together.
        try {
          fsyncSync(fd);
        } finally {
          await dirSynced;
        }
      } else await Promise.all([new Promise<void>((resolve, reject) => fsyncCallback(fd, (e) => (e ? reject(e) : resolve()))), dirSynced]);
      closeSync(fd);
      return true;
    } catch (error) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(target);
      } catch {
        // not there
      }
      throw error;
    }
  }

  /** Removes the temp name (synchronously, as linkSync: no thread-pool round trip before the answer). */
  private dropTemp(temp: TempInstanceFile): void {
    if (temp.removed) return;
    const hadFile = temp.hasFile;
    temp.markRemoved();
    if (!hadFile) return; // held in memory only: no temp file was ever made
    try {
      unlinkSync(temp.path);
    } catch {
      // gone already: nothing to remove
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

  /** fsync of a directory, its descriptor kept open for the next instance of the same series */
  private fsyncDir(dir: string): Promise<void> {
    let entry = this.dirFds.get(dir);
    if (!entry) {
      try {
        entry = { fd: openSync(dir, 'r'), syncing: 0 };
      } catch (error) {
        return Promise.reject(error as Error);
      }
      this.dirFds.set(dir, entry);
      this.closeIdleDirs();
    }
    const used = entry;
    used.syncing++;
    return new Promise<void>((resolve, reject) =>
      fsyncCallback(used.fd, (error) => {
        used.syncing--;
        if (error && this.dirFds.get(dir) === used) this.dirFds.delete(dir);
        if (this.dirFds.get(dir) !== used && used.syncing === 0) closeCallback(used.fd, () => undefined);
        if (error) reject(error);
        else resolve();
      }),
    );
  }

  /** beyond 32 directories, the oldest are closed (once no fsync of theirs is running) */
  private closeIdleDirs(): void {
    for (const [dir, entry] of this.dirFds) {
      if (this.dirFds.size <= 32) return;
      this.dirFds.delete(dir);
      if (entry.syncing === 0) closeCallback(entry.fd, () => undefined);
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
    for (const { fd } of this.dirFds.values()) closeSync(fd);
    this.dirFds.clear();
  }
}

/** writev until every byte is in (the page cache: microseconds) */
function writeFully(fd: number, buffers: readonly Buffer[]): void {
  const rest = [...buffers];
  while (rest.length) {
    let written = writevSync(fd, rest);
    while (rest.length && written >= rest[0].length) written -= rest.shift()!.length;
    if (written > 0) rest[0] = rest[0].subarray(written);
  }
}
