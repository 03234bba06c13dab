import { InMemoryAuditLog, testIdentity } from '@nidus/testing';
import { applicationActor, AuditRecorder, dicomPeerActor } from './audit.recorder';
import { recordReviewDecision } from './review-decision.audit';

describe(AuditRecorder.name, () => {
  it('records as the verified identity, the application or a DICOM peer, with its source', async () => {
    const log = new InMemoryAuditLog();
    const audit = new AuditRecorder(log, 'nidus@gw1');
    await audit.record('study.read', { identity: testIdentity('Dr. Rad', ['radiologist']), address: '10.0.0.9' });
    await audit.record('alert.raise', { actor: applicationActor(audit.source) });
    await audit.record('node.authentication', { actor: dicomPeerActor('PACS', '10.0.0.2', 'pacs.example.org'), outcome: 4 });
    await audit.record('auth.failure', { address: '203.0.113.1', outcome: 4, outcomeDescription: 'unknown API token' });
    expect(log.events.map((e) => [e.action, e.source, e.actor])).toEqual([
      ['study.read', 'nidus@gw1', { userId: 'test:Dr. Rad', userName: 'Dr. Rad', roles: ['radiologist'], method: 'api-token', address: '10.0.0.9' }],
      ['alert.raise', 'nidus@gw1', { userId: 'nidus@gw1', userName: 'Nidus', roles: [] }],
      ['node.authentication', 'nidus@gw1', { userId: 'dicom:PACS', userName: 'PACS', roles: [], address: '10.0.0.2', alternativeUserId: 'pacs.example.org' }],
      ['auth.failure', 'nidus@gw1', { userId: 'anonymous', roles: [], address: '203.0.113.1' }],
    ]);
  });

  it('rejects when the record of truth could not keep the event', async () => {
    const log = new InMemoryAuditLog();
    log.failNext = new Error('disk full');
    await expect(new AuditRecorder(log, 's').record('config.load')).rejects.toThrow('disk full');
  });
});

describe(recordReviewDecision.name, () => {
  it('names the reviewer, the study, the patient and the decision', async () => {
    const log = new InMemoryAuditLog();
    await recordReviewDecision(new AuditRecorder(log, 's'), testIdentity('Dr. Rad', ['radiologist']), '10.0.0.9', {
      StudyInstanceUID: '1.2.3',
      PatientID: 'P7',
      analysisId: 'a1',
      decision: 'rejected',
      comment: 'motion\nartefact',
    });
    const [event] = log.events;
    expect(event).toMatchObject({ action: 'review.decide', actionCode: 'U', eventTypes: [{ code: 'REVIEW' }], actor: { userName: 'Dr. Rad' } });
    expect(event.objects.map((o) => [o.id, o.detail])).toEqual([
      ['1.2.3', { analysisId: 'a1', decision: 'rejected', comment: 'motion artefact' }],
      ['P7', undefined],
    ]);
  });
});
