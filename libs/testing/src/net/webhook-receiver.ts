import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** the path it was posted to, e.g. /resident */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** parsed body (undefined when it is not JSON) */
  json: any;
  /** performance.now() when the whole body had arrived (the answer follows at once) */
  at: number;
  receivedAt: Date;
  /** HMAC-SHA256(secret, `<X-Nidus-Timestamp>.<body>`) equals X-Nidus-Signature, computed here independently (RFC 2104) */
  signatureValid: boolean;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, standing in for a team's pager webhook: records every POST, checks its
 * signature the way a receiver would when given the secret, and answers with the status the test chooses (per
 * request, by path and count; 0 leaves the request hanging).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** status to answer; default 200 */
  respond: (request: ReceivedWebhook, countOnPath: number) => number | Promise<number> = () => 200;
  private readonly server: Server;
  private waiters: (() => void)[] = [];

  static async start(options: { secret?: string } = {}): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options.secret);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  private constructor(private readonly secret?: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const at = performance.now();
        const body = Buffer.concat(chunks).toString('utf8');
        const request: ReceivedWebhook = {
          path: req.url ?? '/',
          headers: req.headers,
          body,
          json: parseJson(body),
          at,
          receivedAt: new Date(),
          signatureValid: this.signatureValid(req.headers, body),
        };
        this.received.push(request);
        const status = await this.respond(request, this.calls(request.path).length);
        if (status > 0) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  private signatureValid(headers: IncomingHttpHeaders, body: string): boolean {
    if (!this.secret) return false;
    const timestamp = String(headers['x-nidus-timestamp'] ?? '');
    const signature = Buffer.from(String(headers['x-nidus-signature'] ?? ''));
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`);
    return timestamp !== '' && signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  calls(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves when `predicate` holds over what was received; rejects after timeoutMs. */
  async waitUntil(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms (got ${this.received.map((r) => r.path).join(', ') || 'nothing'})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The `count`-th call (1-based) to `path`, once it has come. */
  async waitForCall(path: string, count = 1, timeoutMs = 30_000): Promise<ReceivedWebhook> {
    await this.waitUntil(() => this.calls(path).length >= count, timeoutMs);
    return this.calls(path)[count - 1];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
