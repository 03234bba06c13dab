import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Response } from 'express';

/** Writes a multipart/related response (RFC 2387) part by part, each body streamed. */
export class MultipartResponse {
  readonly boundary = `nidus-${randomBytes(12).toString('hex')}`;

  constructor(
    private readonly res: Response,
    type: string,
  ) {
    res.status(200);
    res.setHeader('Content-Type', `multipart/related; type="${type}"; boundary=${this.boundary}`);
  }

  async part(contentType: string, body: Buffer | Readable, headers: Record<string, string | number> = {}): Promise<void> {
    const lines = [`--${this.boundary}`, `Content-Type: ${contentType}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
    await this.write(Buffer.from((this.started ? '\r\n' : '') + lines.join('\r\n'), 'latin1'));
    this.started = true;
    if (Buffer.isBuffer(body)) await this.write(body);
    else for await (const chunk of body) await this.write(chunk as Buffer);
  }

  async end(): Promise<void> {
    await this.write(Buffer.from(`${this.started ? '\r\n' : ''}--${this.boundary}--\r\n`, 'latin1'));
    this.res.end();
  }

  private started = false;

  private write(bytes: Buffer): Promise<void> {
    if (this.res.destroyed) return Promise.reject(new Error('client went away'));
    if (this.res.write(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        reject(new Error('client went away'));
      };
      this.res.on('drain', onDrain);
      this.res.on('close', onClose);
    });
  }
}
