import { Writable } from 'node:stream';
import { drained } from '../stream-drained';

// A streaming parser of multipart bodies (RFC 2046 5.1, RFC 2387 multipart/related) as STOW-RS sends
// them (PS3.18 8.6.1.2): each part's body goes to a sink as it arrives, so a request of any size
// passes through in bounded memory.

/** The multipart body breaks RFC 2046, or a limit: the request is refused. */
export class MultipartError extends Error {
  override name = 'MultipartError';
  constructor(
    message: string,
    readonly kind: 'malformed' | 'too-large',
  ) {
    super(message);
  }
}

export interface PartHeaders {
  /** lower-cased header names */
  [name: string]: string;
}

/** Where one part's body goes: a Writable; `done` is called after it ended and may be async. */
export interface PartSink {
  stream: Writable;
  /** after the part's last byte was written and the stream ended */
  done(): Promise<void>;
  /** the request broke off in this part */
  abort(error: Error): Promise<void>;
}

export interface MultipartLimits {
  /** bytes of one part's headers; default 16 kB */
  maxHeaderBytes?: number;
  /** header fields of one part; default 32 (a STOW-RS part needs two or three) */
  maxHeaderCount?: number;
  /** bytes of one part's body */
  maxPartBytes?: number;
  maxParts?: number;
  /** parts whose `done` may run at once while the next part arrives; default 2 */
  concurrency?: number;
}

export interface MultipartHandlers {
  /** a part begins: where its body goes */
  part(headers: PartHeaders, index: number): PartSink | Promise<PartSink>;
}

type State = 'preamble' | 'after-boundary' | 'headers' | 'body' | 'epilogue';

/** The boundary parameter of a multipart Content-Type (RFC 2046 5.1.1), unquoted. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A parameter of a Content-Type header, unquoted (e.g. `type` of multipart/related). */
export function contentTypeParameter(contentType: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;"]*))`, 'i').exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Pipe the request into it. Parts are handed out in order; a part's `done` runs while the next part
 * streams in (at most `concurrency` at once). `finished` (await it, or listen for 'finish') resolves once
 * the closing delimiter was seen and every `done` settled; a malformed body makes the stream error with
 * MultipartError.
 */
export class MultipartRelatedParser extends Writable {
  private state: State = 'preamble';
  /** "\r\n--boundary": ends a body (RFC 2046 5.1.1) */
  private readonly delimiter: Buffer;
  private carry: Buffer = Buffer.alloc(0);
  private headerBytes: Buffer[] = [];
  private headerLength = 0;
  private sink?: PartSink;
  private partBytes = 0;
  private parts = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly limits: Required<MultipartLimits>;

  constructor(
    boundary: string,
    private readonly handlers: MultipartHandlers,
    limits: MultipartLimits = {},
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.limits = {
      maxHeaderBytes: limits.maxHeaderBytes ?? 16 * 1024,
      maxHeaderCount: limits.maxHeaderCount ?? 32,
      maxPartBytes: limits.maxPartBytes ?? Number.MAX_SAFE_INTEGER,
      maxParts: limits.maxParts ?? 100_000,
      concurrency: limits.concurrency ?? 2,
    };
    // the first boundary may open the body without the CRLF in front (RFC 2046 5.1.1)
    this.carry = Buffer.from('\r\n', 'latin1');
  }

  get partCount(): number {
    return this.parts;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = async () => {
      if (this.state !== 'epilogue') {
        const error = new MultipartError(
          this.state === 'preamble' ? 'no multipart boundary in the body' : 'the body ends before the closing boundary',
          'malformed',
        );
        if (this.sink) await this.sink.abort(error).catch(() => undefined);
        this.sink = undefined;
        throw error;
      }
      await Promise.all(this.inFlight);
    };
    finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const sink = this.sink;
    this.sink = undefined;
    const settle = sink ? sink.abort(error ?? new MultipartError('request aborted', 'malformed')).catch(() => undefined) : Promise.resolve();
    settle.then(() => Promise.allSettled(this.inFlight)).then(() => callback(error));
  }

  private async consume(chunk: Buffer): Promise<void> {
    let data = chunk;
    while (data.length) {
      switch (this.state) {
        case 'preamble':
        case 'body':
          data = await this.scanForDelimiter(data);
          break;
        case 'after-boundary':
          data = await this.afterBoundary(data);
          break;
        case 'headers':
          data = await this.readHeaders(data);
          break;
        case 'epilogue':
          return; // ignored (RFC 2046 5.1.1)
      }
    }
  }

  /** Body (or preamble) bytes up to the next delimiter; returns what follows the delimiter. */
  private async scanForDelimiter(chunk: Buffer): Promise<Buffer> {
    const d = this.delimiter;
    if (this.carry.length) {
      // a delimiter that straddles the previous chunk and this one
      const window = Buffer.concat([this.carry, chunk.subarray(0, d.length - 1)]);
      const at = window.indexOf(d);
      if (at >= 0 && at < this.carry.length) {
        await this.writeBody(this.carry.subarray(0, at));
        const rest = chunk.subarray(at + d.length - this.carry.length);
        this.carry = Buffer.alloc(0);
        this.boundaryFound();
        return rest;
      }
      if (chunk.length < d.length - 1) {
        // too few new bytes to rule a delimiter in or out: carry on with the tail that may start one
        const merged = Buffer.concat([this.carry, chunk]);
        const keep = Math.min(merged.length, d.length - 1);
        await this.writeBody(merged.subarray(0, merged.length - keep));
        this.carry = merged.subarray(merged.length - keep);
        return Buffer.alloc(0);
      }
      await this.writeBody(this.carry);
      this.carry = Buffer.alloc(0);
    }
    const at = chunk.indexOf(d);
    if (at >= 0) {
      await this.writeBody(chunk.subarray(0, at));
      this.boundaryFound();
      return chunk.subarray(at + d.length);
    }
    // keep what could be the start of a delimiter
    const keep = Math.min(chunk.length, d.length - 1);
    await this.writeBody(chunk.subarray(0, chunk.length - keep));
    this.carry = chunk.subarray(chunk.length - keep);
    return Buffer.alloc(0);
  }

  private boundaryFound(): void {
    this.state = 'after-boundary';
  }

  /** After "--boundary": "--" closes the body, else optional white space and CRLF open the next part. */
  private async afterBoundary(chunk: Buffer): Promise<Buffer> {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    if (data.length < 2) {
      this.carry = Buffer.from(data);
      return Buffer.alloc(0);
    }
    const closing = data[0] === 0x2d && data[1] === 0x2d;
    const wasPart = await this.endPart();
    if (closing) {
      if (!wasPart && this.parts === 0) throw new MultipartError('the multipart body has no parts', 'malformed');
      this.state = 'epilogue';
      return Buffer.alloc(0);
    }
    let i = 0;
    while (i < data.length && (data[i] === 0x20 || data[i] === 0x09)) i++; // transport padding
    if (i + 2 > data.length) {
      this.carry = Buffer.from(data.subarray(i));
      this.state = 'after-boundary';
      return Buffer.alloc(0);
    }
    if (data[i] !== 0x0d || data[i + 1] !== 0x0a) throw new MultipartError('a boundary line does not end in CRLF', 'malformed');
    if (++this.parts > this.limits.maxParts) throw new MultipartError(`more than ${this.limits.maxParts} parts`, 'too-large');
    this.state = 'headers';
    this.headerBytes = [];
    this.headerLength = 0;
    return data.subarray(i + 2);
  }

  private async readHeaders(chunk: Buffer): Promise<Buffer> {
    this.headerBytes.push(chunk);
    this.headerLength += chunk.length;
    const all = this.headerBytes.length === 1 ? chunk : Buffer.concat(this.headerBytes);
    let end = all.indexOf('\r\n\r\n');
    let skip = 4;
    if (all.length >= 2 && all[0] === 0x0d && all[1] === 0x0a) {
      end = 0; // no headers at all: the body starts after one CRLF
      skip = 2;
    }
    const tooLong = () => new MultipartError(`part ${this.parts} has headers longer than ${this.limits.maxHeaderBytes} bytes`, 'too-large');
    if (end < 0) {
      if (this.headerLength > this.limits.maxHeaderBytes) throw tooLong();
      this.headerBytes = [all];
      return Buffer.alloc(0);
    }
    // the bound holds however the bytes were chunked
    if (end > this.limits.maxHeaderBytes) throw tooLong();
    const headers: PartHeaders = {};
    const lines = all
      .subarray(0, end)
      .toString('latin1')
      .split('\r\n')
      .filter((line) => line);
    if (lines.length > this.limits.maxHeaderCount)
      throw new MultipartError(`part ${this.parts} has ${lines.length} header fields; at most ${this.limits.maxHeaderCount}`, 'too-large');
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MultipartError(`malformed part header '${line.slice(0, 60)}'`, 'malformed');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.headerBytes = [];
    this.state = 'body';
    this.partBytes = 0;
    // at most `concurrency` parts finishing while this one streams in
    while (this.inFlight.size >= this.limits.concurrency) await Promise.race(this.inFlight);
    this.sink = await this.handlers.part(headers, this.parts - 1);
    this.sink.stream.on('error', () => undefined); // reported by done()
    return all.subarray(end + skip);
  }

  private async writeBody(bytes: Buffer): Promise<void> {
    if (!bytes.length || this.state !== 'body' || !this.sink) return;
    this.partBytes += bytes.length;
    if (this.partBytes > this.limits.maxPartBytes) throw new MultipartError(`a part is larger than ${this.limits.maxPartBytes} bytes`, 'too-large');
    const stream = this.sink.stream;
    if (stream.destroyed || stream.writableEnded) return;
    if (!stream.write(bytes)) await drained(stream);
  }

  /** Ends the current part's stream and starts its `done`; false when there was no part. */
  private async endPart(): Promise<boolean> {
    const sink = this.sink;
    if (!sink) return false;
    this.sink = undefined;
    const ended = new Promise<void>((resolve) => {
      if (sink.stream.destroyed) return resolve();
      sink.stream.end(() => resolve());
      sink.stream.once('error', () => resolve());
    });
    // a part's own failure is its sink's to report: it does not stop the others
    const work: Promise<void> = ended
      .then(() => sink.done())
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return true;
  }
}
