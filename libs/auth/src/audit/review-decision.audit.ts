import type { Identity } from '../identity';
import { AuditObject, AuditEvent } from './audit-event';
import type { AuditRecorder } from './audit.recorder';

/** A radiologist's decision on a finding (the review page's accept / reject). */
export interface ReviewDecision {
  StudyInstanceUID: string;
  PatientID?: string | null;
  analysisId: string;
  decision: 'accepted' | 'rejected' | 'corrected';
  /** what the reviewer wrote, if anything: kept to one line in the trail */
  comment?: string;
}

/**
 * Records a review decision (PS3.15 A.5.3.7 Patient Record, update; event type Review Decision) as the verified
 * identity that made it. The review API calls this once per decision, after the decision is stored.
 */
export function recordReviewDecision(audit: AuditRecorder, identity: Identity, address: string | undefined, review: ReviewDecision): Promise<AuditEvent> {
  const detail: Record<string, string> = { analysisId: review.analysisId, decision: review.decision };
  if (review.comment) detail.comment = review.comment.replace(/\s+/g, ' ').trim().slice(0, 256);
  return audit.record('review.decide', {
    identity,
    address,
    objects: [AuditObject.study(review.StudyInstanceUID, detail), ...(review.PatientID ? [AuditObject.patient(review.PatientID)] : [])],
  });
}
