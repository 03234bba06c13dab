import { hostname } from 'node:os';
import type { Identity } from '../identity';
import { SyslogReceiver } from '@nidus/testing';
import { auditActor, AuditObject, createAuditEvent } from './audit-event';
import { syslogMessage } from './syslog-message';
import { SyslogForwarder } from './syslog.forwarder';

const user: Identity = { subject: 'token:t1', name: 'reader', roles: ['viewer'], method: 'api-token' };
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function event(i: number, outcome: 0 | 4 = 0) {
  return createAuditEvent('study.read', {
    actor: auditActor(user, '10.0.0.9'),
    source: 'nidus@test',
    outcome,
    objects: [AuditObject.study(`1.2.${i}`), AuditObject.patient(`P${i}`, 'Müller^Jürgen')],
    time: new Date(Date.UTC(2025, 2, 1, 8, 0, 0, i)),
  });
}

/** RFC 5424 6: HEADER fields, then SD, then BOM and MSG. */
function parse(message: Buffer) {
  const bom = message.indexOf(BOM);
  const head = message.subarray(0, bom).toString('ascii');
  const match = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*\]) $/.exec(head);
  if (!match) throw new Error(`not RFC 5424: ${head}`);
  const [, pri, timestamp, host, app, procId, msgId] = match;
  return { pri: Number(pri), timestamp, host, app, procId, msgId, msg: message.subarray(bom + 3).toString('utf8') };
}

describe(syslogMessage.name, () => {
  it('is an RFC 5424 message at authpriv, notice for success and warning for failure, with the XML or JSON body', () => {
    const xml = parse(syslogMessage(event(1), 'xml', { hostname: 'gw 1', procId: 42 }));
    expect(xml).toMatchObject({ pri: 85, timestamp: '2025-03-01T08:00:00.001Z', host: 'gw1', app: 'nidus', procId: '42', msgId: 'DICOM+RFC3881' });
    expect(xml.msg).toContain('<ParticipantObjectName>Müller^Jürgen</ParticipantObjectName>');
    const json = parse(syslogMessage(event(2, 4), 'json'));
    expect(json).toMatchObject({ pri: 84, host: '-', procId: '-', msgId: 'NIDUS-AUDIT' });
    expect(JSON.parse(json.msg)).toMatchObject({
      action: 'study.read',
      outcome: 4,
      time: '2025-03-01T08:00:00.002Z',
      objects: [{ id: '1.2.2' }, { id: 'P2' }],
    });
  });
});

describe(SyslogForwarder.name, () => {
  let receiver: SyslogReceiver;
  let forwarder: SyslogForwarder;

  afterEach(async () => {
    await forwarder?.close();
    await receiver?.stop();
  });

  it('sends each event as one datagram over UDP (RFC 5426)', async () => {
    receiver = new SyslogReceiver('udp');
    const port = await receiver.start();
    forwarder = new SyslogForwarder({ transport: 'udp', host: '127.0.0.1', port, format: 'json' });
    for (let i = 0; i < 5; i++) await forwarder.record(event(i));
    const messages = await receiver.waitFor(5);
    const parsed = messages.map(parse);
    expect(new Set(parsed.map((m) => JSON.parse(m.msg).objects[0].id))).toEqual(new Set(['1.2.0', '1.2.1', '1.2.2', '1.2.3', '1.2.4']));
    expect(parsed[0].host).toBe(hostname().replace(/[^\x21-\x7e]/g, '') || '-');
    expect(parsed[0].procId).toBe(String(process.pid));
    expect(forwarder.stats).toMatchObject({ sent: 5, errors: 0, queued: 0 });
  });

  it('frames messages by octet count over TCP, in order, and reconnects after the collector restarts', async () => {
    receiver = new SyslogReceiver('tcp');
    const port = await receiver.start();
    forwarder = new SyslogForwarder({ transport: 'tcp', host: '127.0.0.1', port, format: 'xml', reconnectDelayMs: 50 });
    for (let i = 0; i < 20; i++) await forwarder.record(event(i));
    await receiver.waitFor(20);
    expect(receiver.errors).toEqual([]);
    expect(receiver.messages.map((m) => /ParticipantObjectID="(1\.2\.\d+)"/.exec(parse(m).msg)![1])).toEqual(Array.from({ length: 20 }, (_, i) => `1.2.${i}`));

    await receiver.stop();
    await new Promise((r) => setTimeout(r, 100));
    // the collector is away: events wait in the queue
    for (let i = 20; i < 23; i++) await forwarder.record(event(i));
    receiver = new SyslogReceiver('tcp');
    await receiver.start(port);
    await receiver.waitFor(3);
    expect(receiver.messages.map((m) => /ParticipantObjectID="(1\.2\.\d+)"/.exec(parse(m).msg)![1])).toEqual(['1.2.20', '1.2.21', '1.2.22']);
    expect(forwarder.stats.errors).toBeGreaterThan(0);
  });

  it('holds at most maxQueue messages while the collector is unreachable, dropping the oldest', async () => {
    receiver = new SyslogReceiver('tcp');
    const port = await receiver.start();
    await receiver.stop();
    forwarder = new SyslogForwarder({ transport: 'tcp', host: '127.0.0.1', port, maxQueue: 3, reconnectDelayMs: 50 });
    for (let i = 0; i < 10; i++) await forwarder.record(event(i));
    expect(forwarder.stats).toMatchObject({ dropped: 7, queued: 3 });
    receiver = new SyslogReceiver('tcp');
    await receiver.start(port);
    await receiver.waitFor(3);
    expect(receiver.messages.map((m) => /ParticipantObjectID="(1\.2\.\d+)"/.exec(parse(m).msg)![1])).toEqual(['1.2.7', '1.2.8', '1.2.9']);
  });
});
