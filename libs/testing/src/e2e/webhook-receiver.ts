import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './poll';

export interface ReceivedWebhook {
  /** the path it was posted to, e.g. /resident */
  path: string;
  /** performance.now() when the whole body had arrived (the 2xx answer follows at once) */
  at: number;
  receivedAt: Date;
  headers: IncomingHttpHeaders;
  body: string;
  /** parsed body (undefined when it is not JSON) */
  json: any;
  /** HMAC-SHA256(secret, `<X-Nidus-Timestamp>.<body>`) equals X-Nidus-Signature, computed here independently */
  signatureValid: boolean;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  received: ReceivedWebhook[];
  /** waits for the `count`-th call (1-based) to `path` */
  waitFor(path: string, count?: number, timeoutMs?: number): Promise<ReceivedWebhook>;
  calls(path: string): ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server on port 0 standing in for a team's pager webhook: answers 200 to every POST,
 * records it, and checks the signature the way a receiver would (RFC 2104 HMAC-SHA256).
 */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-nidus-timestamp'] ?? '');
      const signature = Buffer.from(String(req.headers['x-nidus-signature'] ?? ''));
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      received.push({
        path: req.url ?? '/',
        at,
        receivedAt: new Date(),
        headers: req.headers,
        body,
        json,
        signatureValid: timestamp !== '' && signature.length === expected.length && timingSafeEqual(signature, expected),
      });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const calls = (path: string) => received.filter((r) => r.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    calls,
    waitFor: (path, count = 1, timeoutMs = 30_000) => waitUntil(`webhook call ${count} to ${path}`, () => calls(path)[count - 1], timeoutMs, 20),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
