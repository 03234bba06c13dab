import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { deliveryJobId, openBullQueues } from '@nidus/jobs';
import { DeliveryRepository, openDatabase } from '@nidus/persistence';
import { DeliveriesCommandError, listDeliveries, resendDeliveriesCommand } from './deliveries.command';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (chunk, _e, done) => void ((text += String(chunk)), done()) });
  return Object.assign(w, { text: () => text });
}

// `nidus deliveries` against a real SQLite file and Redis: what failed gets a new round, queued for the workers.
describe('nidus deliveries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-cli-deliveries-'));
  const env = { DATA_DIR: dir, REDIS_PREFIX: `nidus-cli-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' };
  const queue = openBullQueues('redis://127.0.0.1:6379', env.REDIS_PREFIX);

  afterAll(async () => {
    for (const q of Object.values(queue.queues)) await q.obliterate({ force: true });
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, and resends only what failed, as a new round of tries', async () => {
    const db = await openDatabase({ type: 'sqlite', path: join(dir, 'nidus.sqlite') });
    const deliveries = new DeliveryRepository(db);
    const row = (SOPInstanceUID: string) => ({ SOPInstanceUID, targetId: 'pacs', analysisId: 'a1', StudyInstanceUID: '1.2.3' });
    await deliveries.plan([row('2.25.1'), row('2.25.2'), row('2.25.3')]);
    await deliveries.recordFailure('2.25.1', 'pacs', 'association rejected', { state: 'failed' });
    await deliveries.recordDelivered('2.25.2', 'pacs');
    await db.destroy();

    const listed = sink();
    await listDeliveries({ state: 'failed' }, env, listed);
    expect(listed.text()).toMatch(/^failed\tpacs\t2\.25\.1\t1\.2\.3\t1\t-\tassociation rejected$/m);
    expect(listed.text()).not.toMatch(/2\.25\.2|2\.25\.3/);

    const out = sink();
    await resendDeliveriesCommand({}, env, out);
    expect(out.text()).toMatch(/^resent 1 delivery$/m);
    const payload = { analysisId: 'a1', SOPInstanceUID: '2.25.1', targetId: 'pacs' };
    const job = await queue.getJob('results.deliver', deliveryJobId(payload, 1, 1));
    expect(job?.data).toEqual(payload);

    const again = await openDatabase({ type: 'sqlite', path: join(dir, 'nidus.sqlite') });
    expect(await new DeliveryRepository(again).find('2.25.1', 'pacs')).toMatchObject({ state: 'pending', attempts: 0, round: 1 });
    expect(await new DeliveryRepository(again).find('2.25.2', 'pacs')).toMatchObject({ state: 'delivered' });
    await again.destroy();
  });

  it('refuses to resend what was delivered', async () => {
    await expect(resendDeliveriesCommand({ state: 'delivered' }, env, sink())).rejects.toThrow(DeliveriesCommandError);
    await expect(listDeliveries({ state: 'lost' }, env, sink())).rejects.toThrow(/--state: one of pending, waiting, delivered, failed/);
  });
});
