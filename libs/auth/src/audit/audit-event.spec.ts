import type { Identity } from '../identity';
import { InMemoryAuditLog } from '@nidus/testing';
import { AUDIT_ACTIONS, AUDIT_ACTION_TABLE } from './audit-action.table';
import { Outcome } from './audit-codes';
import { auditActor, AuditObject, createAuditEvent } from './audit-event';
import { auditJsonLines, parseAuditJsonLines } from './audit-json-lines';
import { auditMessageXml } from './audit-message.xml';
import { FanOutAuditSink } from './fan-out.audit-sink';

const radiologist: Identity = { subject: 'https://idp#r1', name: 'Dr. Rad', roles: ['radiologist'], method: 'session' };
const stroke: Identity = { subject: 'https://idp#s1', name: 'Dr. Stroke', roles: ['stroke'], method: 'oidc-bearer' };
const SOURCE = 'nidus@gw1';

describe(createAuditEvent.name, () => {
  it('fills the PS3.15 A.5 codes of the action and the verified actor', () => {
    const event = createAuditEvent('study.read', {
      actor: auditActor(radiologist, '10.1.2.3'),
      source: SOURCE,
      objects: [AuditObject.study('1.2.3.4'), AuditObject.patient('PID-7', 'Doe^Jane')],
      time: new Date('2025-03-01T08:00:00.123Z'),
    });
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      action: 'study.read',
      time: '2025-03-01T08:00:00.123Z',
      eventId: { code: '110103', scheme: 'DCM', meaning: 'DICOM Instances Accessed' },
      eventTypes: [],
      actionCode: 'R',
      outcome: 0,
      actor: { userId: 'https://idp#r1', userName: 'Dr. Rad', roles: ['radiologist'], method: 'session', address: '10.1.2.3' },
      source: SOURCE,
      objects: [
        { typeCode: 2, roleCode: 3, idType: { code: '110180', scheme: 'DCM', meaning: 'Study Instance UID' }, id: '1.2.3.4' },
        { typeCode: 1, roleCode: 1, idType: { code: '2', scheme: 'RFC-3881', meaning: 'Patient Number' }, id: 'PID-7', name: 'Doe^Jane' },
      ],
    });
  });

  it('codes every action, with failures as minor failures and a one-line description', () => {
    for (const action of AUDIT_ACTIONS) expect(AUDIT_ACTION_TABLE[action].eventId.scheme).toBe('DCM');
    expect(AUDIT_ACTION_TABLE['token.create']).toMatchObject({ eventId: { code: '110113' }, eventTypes: [{ code: '110137' }], actionCode: 'C' });
    expect(AUDIT_ACTION_TABLE['token.revoke'].actionCode).toBe('D');
    expect(AUDIT_ACTION_TABLE['auth.failure']).toMatchObject({ eventId: { code: '110114' }, eventTypes: [{ code: '110122' }] });
    const failure = createAuditEvent('auth.failure', {
      actor: auditActor(undefined, '203.0.113.5'),
      source: SOURCE,
      outcome: Outcome.MinorFailure,
      outcomeDescription: 'unknown API token\n  at line 2',
    });
    expect(failure.actor).toEqual({ userId: 'anonymous', roles: [], address: '203.0.113.5' });
    expect(failure.outcome).toBe(4);
    expect(failure.outcomeDescription).toBe('unknown API token at line 2');
    expect(() => createAuditEvent('nope' as never, { actor: auditActor(undefined), source: SOURCE })).toThrow(RangeError);
  });
});

describe(auditMessageXml.name, () => {
  it('writes the DICOM audit message with requestor, Nidus, source and objects, escaping what it must', () => {
    const event = createAuditEvent('study.query', {
      actor: auditActor(stroke, '2001:db8::5'),
      source: SOURCE,
      objects: [AuditObject.query('PatientName=O"Brien&<x>')],
      time: new Date('2025-03-01T08:00:00Z'),
    });
    const xml = auditMessageXml(event, { enterpriseSiteId: 'Hospital A' });
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?><AuditMessage><EventIdentification EventActionCode="E" EventDateTime="2025-03-01T08:00:00.000Z" EventOutcomeIndicator="0">',
      ),
    ).toBe(true);
    expect(xml).toContain('<EventID csd-code="110112" codeSystemName="DCM" originalText="Query"/>');
    expect(xml).toContain(
      '<ActiveParticipant UserID="https://idp#s1" UserName="Dr. Stroke" UserIsRequestor="true" NetworkAccessPointID="2001:db8::5" NetworkAccessPointTypeCode="2"><RoleIDCode csd-code="stroke" codeSystemName="NIDUS" originalText="stroke"/></ActiveParticipant>',
    );
    expect(xml).toContain('<ActiveParticipant UserID="nidus@gw1" UserIsRequestor="false"><RoleIDCode csd-code="110150"');
    expect(xml).toContain('<AuditSourceIdentification AuditEnterpriseSiteID="Hospital A" AuditSourceID="nidus@gw1">');
    expect(xml).toContain(`<ParticipantObjectQuery>${Buffer.from('PatientName=O"Brien&<x>').toString('base64')}</ParticipantObjectQuery>`);
    expect(xml.endsWith('</AuditMessage>')).toBe(true);
    const named = auditMessageXml(
      createAuditEvent('alert.acknowledge', { actor: auditActor(stroke), source: SOURCE, objects: [AuditObject.patient('P<1>', 'O"Neil & Co\u0001')] }),
    );
    expect(named).toContain('ParticipantObjectID="P&lt;1&gt;"');
    expect(named).toContain('<ParticipantObjectName>O&quot;Neil &amp; Co</ParticipantObjectName>');
    expect(named).toContain('<EventTypeCode csd-code="ACK" codeSystemName="NIDUS" originalText="Alert Acknowledged"/>');
  });
});

describe(auditJsonLines.name, () => {
  it('exports one event per line and reads back the same events', async () => {
    const events = [
      createAuditEvent('study.read', { actor: auditActor(radiologist), source: SOURCE, objects: [AuditObject.study('1.2')] }),
      createAuditEvent('alert.acknowledge', { actor: auditActor(stroke), source: SOURCE, objects: [AuditObject.alert('a-1', { step: '2', target: 'pager' })] }),
    ];
    let text = '';
    for await (const line of auditJsonLines(events)) text += line;
    expect(text.split('\n')).toHaveLength(3);
    expect(parseAuditJsonLines(text)).toEqual(events);
    expect(() => parseAuditJsonLines('{"id":1}\n')).toThrow('line 1 is not an audit event');
    expect(() => parseAuditJsonLines('\n{oops\n')).toThrow('line 2 is not JSON');
  });
});

describe(InMemoryAuditLog.name, () => {
  it('answers queries newest first, by user, study, patient, action, time and outcome, and pages on', async () => {
    const log = new InMemoryAuditLog();
    const t0 = Date.parse('2025-03-01T08:00:00Z');
    const at = (m: number) => new Date(t0 + m * 60_000);
    // two users read the same study: two rows
    await log.record(
      createAuditEvent('study.read', {
        actor: auditActor(radiologist),
        source: SOURCE,
        time: at(0),
        objects: [AuditObject.study('1.9'), AuditObject.patient('P1')],
      }),
    );
    await log.record(
      createAuditEvent('study.read', {
        actor: auditActor(stroke),
        source: SOURCE,
        time: at(1),
        objects: [AuditObject.study('1.9'), AuditObject.patient('P1')],
      }),
    );
    await log.record(
      createAuditEvent('study.read', {
        actor: auditActor(stroke),
        source: SOURCE,
        time: at(2),
        objects: [AuditObject.study('1.8'), AuditObject.patient('P2')],
      }),
    );
    await log.record(createAuditEvent('auth.failure', { actor: auditActor(undefined, '1.1.1.1'), source: SOURCE, time: at(3), outcome: 4 }));
    const users = async (q: object) => (await log.query(q)).map((e) => e.actor.userId);
    expect(await users({ StudyInstanceUID: '1.9' })).toEqual(['https://idp#s1', 'https://idp#r1']);
    expect(await users({ PatientID: 'P2' })).toEqual(['https://idp#s1']);
    expect(await users({ userId: 'https://idp#s1' })).toHaveLength(2);
    expect(await users({ actions: ['auth.failure'] })).toEqual(['anonymous']);
    expect(await users({ outcome: 4 })).toEqual(['anonymous']);
    expect(await users({ from: at(1), to: at(3) })).toEqual(['https://idp#s1', 'https://idp#s1']);
    const [newest, second] = await log.query({ limit: 2 });
    expect(newest.action).toBe('auth.failure');
    expect((await log.query({ before: second.id })).map((e) => e.time)).toEqual([at(1).toISOString(), at(0).toISOString()]);
  });
});

describe(FanOutAuditSink.name, () => {
  it('resolves once the primary has the event, and never lets a failing copy fail the record', async () => {
    const primary = new InMemoryAuditLog();
    const copy = new InMemoryAuditLog();
    const errors: unknown[] = [];
    const sink = new FanOutAuditSink(primary, [copy], (e) => errors.push(e));
    const event = createAuditEvent('config.load', { actor: auditActor(undefined), source: SOURCE, objects: [AuditObject.configuration('/etc/nidus.yaml')] });
    copy.failNext = new Error('syslog down');
    await sink.record(event);
    await new Promise((r) => setImmediate(r));
    expect(primary.events).toHaveLength(1);
    expect(sink.copyFailures).toBe(1);
    expect(errors).toEqual([new Error('syslog down')]);
    primary.failNext = new Error('database down');
    await expect(sink.record(event)).rejects.toThrow('database down');
    expect(copy.events).toHaveLength(0); // the copy never holds what the record does not
  });
});
