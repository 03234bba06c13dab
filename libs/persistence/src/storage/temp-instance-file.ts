import { createHash, Hash } from 'node:crypto';
import { closeSync, fdatasync, fsync, writevSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { OutOfResourcesError, TempFileStateError } from './storage.errors';

/** Bytes gathered in memory before a write to the file (the Writable's own buffer holds as much again). */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** How much of the start of a file stays in memory, for reading its header without touching the disk. */
export const DEFAULT_HEAD_BYTES = 64 * 1024;

export interface TempInstanceFileOptions {
  /** bytes written first (our File Meta for a C-STORE); the data set starts after them */
  header?: Buffer;
  headBytes?: number;
  /** free bytes at creation and the reserve, for the error when the disk fills */
  freeBytes: number;
  reserveBytes: number;
}

/** Where a temp file's bytes go once it needs one: a path in DATA_DIR/tmp and its descriptor, opened for writing. */
export type TempFileOpener = () => { path: string; fd: number };

/**
 * One instance being received: a Writable gathering chunks to a megabyte, hashed, the first `headBytes` also kept
 * for the header parse. The file in DATA_DIR/tmp is opened only when needed: at the first megabyte written, or when
 * something asks for `path`. A small instance (under a megabyte) usually never has one: the store writes it from
 * memory straight under its final name (wholeFile()). After `end()` (the 'finish' event) the store commits it.
 *
 * The sha256 covers the data set only, after the File Meta: the same instance hashes the same whether it
 * came by C-STORE (our meta) or STOW-RS (the sender's).
 */
export class TempInstanceFile extends Writable {
  private readonly hash: Hash = createHash('sha256');
  private readonly headLimit: number;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  /** total bytes of the file */
  size = 0;
  /** where the data set starts: after the header, or after the File Meta read from the first bytes */
  private dataOffset: number | undefined;
  private undecided: { start: number; b: Buffer }[] = [];
  private fd: number | undefined;
  private filePath: string | undefined;
  private fdOpen = false;
  private digest?: string;
  private state: 'writing' | 'written' | 'durable' | 'closed' = 'writing';
  /** the file is gone (committed elsewhere, or discarded) */
  removed = false;

  constructor(
    private readonly openFile: TempFileOpener,
    private readonly options: TempInstanceFileOptions,
  ) {
    // not destroyed at 'finish': the descriptor stays open for sync()
    super({ highWaterMark: 1024 * 1024, decodeStrings: false, autoDestroy: false });
    this.headLimit = options.headBytes ?? DEFAULT_HEAD_BYTES;
    if (options.header) {
      this.dataOffset = options.header.length;
      this.write(options.header);
    }
  }

  /**
   * The temp file's path, holding every byte received so far: opened and written now if it was not yet (a reader of
   * the file, or a commit that renames it). Throws what the open or write throws (OutOfResourcesError on a full disk).
   */
  get path(): string {
    this.ensureFile();
    return this.filePath!;
  }

  /** a file in DATA_DIR/tmp exists for this instance (it may have none: held in memory) */
  get hasFile(): boolean {
    return this.filePath !== undefined;
  }

  private ensureFile(): void {
    if (this.filePath !== undefined) return;
    if (this.removed) throw new TempFileStateError('the temp file was already discarded');
    let opened: { path: string; fd: number };
    try {
      opened = this.openFile();
    } catch (error) {
      throw this.mapError(error as NodeJS.ErrnoException);
    }
    const { path, fd } = opened;
    this.filePath = path;
    this.fd = fd;
    this.fdOpen = true;
    // what is in memory goes to the file: the whole file once finished, else the chunks not yet flushed
    const bytes = this.whole ?? this.pending;
    if (!this.whole) {
      this.pending = [];
      this.pendingBytes = 0;
    }
    let failure: Error | null | undefined;
    if (bytes.length) this.writeAll(bytes, (error) => (failure = error));
    if (failure) throw failure;
  }

  /** The first bytes of the file (all of it when small), for parsing the header. */
  head(): Buffer {
    return this.headChunks.length === 1 ? this.headChunks[0] : Buffer.concat(this.headChunks, this.headLength);
  }

  get complete(): boolean {
    return this.size <= this.headLength;
  }

  /** sha256 (hex) of the data set bytes, after the stream finished */
  get sha256(): string {
    if (!this.digest) throw new TempFileStateError('sha256 is known once the file is finished');
    return this.digest;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) {
      this.track(chunk);
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    if (this.pendingBytes < WRITE_BATCH_BYTES) return callback();
    this.flush(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // no file yet: the whole file is in `pending`, and stays in memory for the store (wholeFile())
    if (!this.hasFile) {
      this.whole = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      return this.finished(callback);
    }
    this.flush((error) => (error ? callback(error) : this.finished(callback)));
  }

  private whole?: Buffer[];

  /**
   * Every byte of the file, when it was small enough to stay in memory until the end (under a megabyte, and no one
   * asked for `path` before): the store can then write it straight under its final name. A temp file, if one is made
   * later, holds the same bytes.
   */
  wholeFile(): readonly Buffer[] | undefined {
    return this.written ? this.whole : undefined;
  }

  /**
   * Chunks (one per P-DATA value, often 16 kB) gathered to WRITE_BATCH_BYTES and written with one writev: a small
   * instance is one system call, a large one one per megabyte.
   */
  private flush(callback: (error?: Error | null) => void): void {
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (buffers.length === 0) return callback();
    if (!this.hasFile) {
      // the first megabyte: now the instance needs a file (ensureFile writes what is pending)
      this.pending = buffers;
      this.pendingBytes = buffers.reduce((n, b) => n + b.length, 0);
      try {
        this.ensureFile();
      } catch (error) {
        return callback(error as Error);
      }
      return callback();
    }
    this.writeAll(buffers, callback);
  }

  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private finished(callback: (error?: Error | null) => void): void {
    if (this.dataOffset === undefined) this.decide();
    this.digest = this.hash.digest('hex');
    this.state = 'written';
    callback();
  }

  /**
   * fdatasync (with `metadata`, fsync: the inode and its new names too) and close: after it the bytes survive a
   * crash. Separate from 'finish' so that the caller can first link the file into place.
   */
  sync(options: { metadata?: boolean } = {}): Promise<void> {
    if (this.state !== 'written' && this.state !== 'durable')
      return Promise.reject(new TempFileStateError('sync of a temp file that is not completely written'));
    try {
      this.ensureFile();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.syncing ??= new Promise<void>((resolve, reject) =>
      (options.metadata ? fsync : fdatasync)(this.fd!, (error) => {
        if (error) return reject(this.mapError(error));
        this.closeFd((closeError) => {
          if (closeError) return reject(closeError);
          this.state = 'durable';
          resolve();
        });
      }),
    );
    return this.syncing;
  }

  private syncing?: Promise<void>;

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeFd(() => callback(error));
  }

  /** The store moved or removed the file (commit): discard() has nothing left to do. */
  markRemoved(): void {
    this.removed = true;
  }

  /** Removes the temp file (after a failure, or after a commit linked it elsewhere). */
  async discard(): Promise<void> {
    if (!this.destroyed) this.destroy();
    if (this.removed) return;
    this.removed = true;
    this.state = 'closed';
    await new Promise<void>((resolve) => (this.fdOpen ? this.once('close', () => resolve()) : resolve()));
    if (this.filePath !== undefined) await rm(this.filePath, { force: true });
  }

  /** every byte written (the stream finished) */
  get written(): boolean {
    return this.state === 'written' || this.state === 'durable';
  }

  /** written and fdatasynced */
  get durable(): boolean {
    return this.state === 'durable';
  }

  private track(b: Buffer): void {
    if (this.headLength < this.headLimit) {
      const take = b.subarray(0, this.headLimit - this.headLength);
      this.headChunks.push(Buffer.from(take)); // a copy: the caller's buffer may be reused
      this.headLength += take.length;
    }
    const start = this.size;
    this.size += b.length;
    if (this.dataOffset !== undefined) return this.hashFrom(start, b);
    // no header given: the end of the File Meta is read from the first 144 bytes (PS3.10 7.1)
    this.undecided.push({ start, b });
    if (this.size >= 144) this.decide();
  }

  private decide(): void {
    const prefix = this.head();
    const isPart10 =
      prefix.length >= 144 &&
      prefix.toString('latin1', 128, 132) === 'DICM' &&
      prefix.readUInt16LE(132) === 0x0002 &&
      prefix.readUInt16LE(134) === 0x0000 &&
      prefix.toString('latin1', 136, 138) === 'UL';
    this.dataOffset = isPart10 ? 144 + prefix.readUInt32LE(140) : 0;
    for (const { start, b } of this.undecided) this.hashFrom(start, b);
    this.undecided = [];
  }

  private hashFrom(start: number, b: Buffer): void {
    const skip = this.dataOffset! - start;
    if (skip >= b.length) return;
    this.hash.update(skip > 0 ? b.subarray(skip) : b);
  }

  /**
   * Writes to the page cache synchronously: a memory copy, cheaper than handing each chunk to the thread
   * pool and waking a thread for it (which on a small machine mostly buys context switches). Only the
   * fdatasync at the end waits for the disk, off the event loop.
   */
  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    try {
      let rest = buffers;
      while (rest.length) {
        const written = writevSync(this.fd!, rest);
        let skip = written;
        const next: Buffer[] = [];
        for (const b of rest) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          next.push(b.subarray(skip));
          skip = 0;
        }
        rest = next;
      }
    } catch (error) {
      return callback(this.mapError(error as NodeJS.ErrnoException));
    }
    callback();
  }

  private closeFd(callback: (error?: Error | null) => void): void {
    if (!this.fdOpen) return callback();
    this.fdOpen = false;
    try {
      closeSync(this.fd!);
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }

  private mapError(error: NodeJS.ErrnoException): Error {
    if (error.code === 'ENOSPC' || error.code === 'EDQUOT') return new OutOfResourcesError(0, this.options.reserveBytes, `${error.code} while writing`);
    return error;
  }
}
