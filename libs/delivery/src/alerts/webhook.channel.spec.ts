import { Secret } from '@nidus/auth';
import { WebhookRejectedError, WebhookUnavailableError } from './alert.errors';
import { WebhookReceiver } from '@nidus/testing';
import { WebhookChannel } from './webhook.channel';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'a-shared-secret-of-32-characters';

describe(WebhookChannel.name, () => {
  let receiver: WebhookReceiver;
  const channel = new WebhookChannel({ timeoutSeconds: 1, attempts: 3, retryDelaySeconds: 0.05 });

  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver.close());

  it('posts JSON signed with HMAC-SHA256 over `<timestamp>.<body>` that the receiver can verify', async () => {
    const body = JSON.stringify({ hello: 'stroke team', coreVolumeMl: 12.5 });
    const delivery = await channel.send({ url: receiver.url('/page'), secret: new Secret(SECRET, 'test') }, body, { deliveryId: 'alert-1:0', event: 'alert' });
    expect(delivery).toMatchObject({ status: 200, attempts: 1 });
    const [request] = receiver.received;
    expect(request.body).toBe(body);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-nidus-delivery']).toBe('alert-1:0');
    const timestamp = String(request.headers['x-nidus-timestamp']);
    const signature = String(request.headers['x-nidus-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, timestamp, request.body, signature)).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-some-length', timestamp, request.body, signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, timestamp, request.body.replace('12.5', '2.5'), signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, timestamp, request.body, signature, { now: new Date((Number(timestamp) + 301) * 1000) })).toBe(false);
  });

  it('retries a 500 answer (and a 429) and succeeds when the receiver recovers', async () => {
    receiver.respond = (_, n) => [500, 429, 204][n - 1] ?? 200;
    const delivery = await channel.send({ url: receiver.url('/flaky'), secret: new Secret(SECRET, 'test') }, '{}', { deliveryId: 'd', event: 'alert' });
    expect(delivery).toMatchObject({ status: 204, attempts: 3 });
    expect(receiver.calls('/flaky')).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-nidus-delivery']))).toEqual(new Set(['d']));
  });

  it('gives up after the configured tries on 5xx, and at once on a 4xx', async () => {
    receiver.respond = (r) => (r.path === '/down' ? 503 : 401);
    await expect(channel.send({ url: receiver.url('/down'), secret: new Secret(SECRET, 'test') }, '{}', { deliveryId: 'd', event: 'alert' })).rejects.toThrow(
      new WebhookUnavailableError(receiver.url('/down'), 3, 'HTTP 503'),
    );
    await expect(
      channel.send({ url: receiver.url('/denied'), secret: new Secret(SECRET, 'test') }, '{}', { deliveryId: 'd', event: 'alert' }),
    ).rejects.toBeInstanceOf(WebhookRejectedError);
    expect(receiver.calls('/down')).toHaveLength(3);
    expect(receiver.calls('/denied')).toHaveLength(1);
  });

  it('times out a receiver that does not answer, and retries network errors', async () => {
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve(0), 1000)); // never answers in time
    const slow = new WebhookChannel({ timeoutSeconds: 0.2, attempts: 2, retryDelaySeconds: 0 });
    await expect(slow.send({ url: receiver.url('/slow'), secret: new Secret(SECRET, 'test') }, '{}', { deliveryId: 'd', event: 'alert' })).rejects.toThrow(
      /after 2 tries: no answer within 0.2 s/,
    );
    const gone = receiver.url('/gone');
    await receiver.close();
    await expect(slow.send({ url: gone, secret: new Secret(SECRET, 'test') }, '{}', { deliveryId: 'd', event: 'alert' })).rejects.toThrow(/ECONNREFUSED/);
    receiver = await WebhookReceiver.start();
  });

  it('tells how long a send may take at most', () => {
    expect(new WebhookChannel({ timeoutSeconds: 5, attempts: 3, retryDelaySeconds: 0.5 }).budgetMs).toBe(15_000 + 500 + 1000);
    expect(signWebhook('k', 1, 'b')).toBe(signWebhook('k', 1, 'b'));
  });
});
