import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: Date;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, that records every POST and answers with the status the test
 * chooses (per request, by path and count). For alert tests.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server;
  private waiters: (() => void)[] = [];
  /** status to answer; default 200 */
  respond: (request: ReceivedWebhook, countOnPath: number) => number | Promise<number> = () => 200;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: new Date() };
        this.received.push(request);
        const status = await this.respond(request, this.on(request.path).length);
        if (status > 0) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    this.server.keepAliveTimeout = 1000;
  }

  url(path: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves when `predicate` holds over what was received; rejects after timeoutMs. */
  async waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms (got ${this.received.map((r) => r.path).join(', ') || 'nothing'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
