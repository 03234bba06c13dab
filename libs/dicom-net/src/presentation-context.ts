import { TransferSyntaxUIDs } from '@nidus/dicom';
import { isStorageSopClass, isVerificationSopClass } from './storage-sop-classes';
import { AcceptedPresentationContext, PresentationContextResult, ProposedPresentationContext } from './pdu.types';

export interface NegotiationPolicy {
  /** transfer syntaxes we accept for storage, in no particular order: the sender's order decides */
  transferSyntaxes: readonly string[];
  /** private or otherwise unlisted SOP classes to accept for storage */
  extraStorageSopClasses?: readonly string[];
}

/** A presentation context both sides agreed on. */
export interface NegotiatedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
}

/**
 * Answers each proposed presentation context (PS3.8 9.3.3.2): Verification and every Storage SOP Class
 * are accepted in the first proposed transfer syntax we support, as proposed (no transcoding).
 */
export function negotiatePresentationContexts(
  proposed: readonly ProposedPresentationContext[],
  policy: NegotiationPolicy,
): { answers: AcceptedPresentationContext[]; accepted: NegotiatedContext[] } {
  const supported = new Set(policy.transferSyntaxes);
  const extra = new Set(policy.extraStorageSopClasses ?? []);
  const answers: AcceptedPresentationContext[] = [];
  const accepted: NegotiatedContext[] = [];
  for (const pc of proposed) {
    const verification = isVerificationSopClass(pc.abstractSyntax);
    if (!verification && !isStorageSopClass(pc.abstractSyntax) && !extra.has(pc.abstractSyntax)) {
      answers.push({ id: pc.id, result: PresentationContextResult.AbstractSyntaxNotSupported, transferSyntax: TransferSyntaxUIDs.ImplicitVRLittleEndian });
      continue;
    }
    // PS3.5 10.1: every implementation supports Implicit VR Little Endian, which Verification needs.
    const chosen = pc.transferSyntaxes.find((ts) => supported.has(ts) || (verification && ts === TransferSyntaxUIDs.ImplicitVRLittleEndian));
    if (!chosen) {
      answers.push({ id: pc.id, result: PresentationContextResult.TransferSyntaxesNotSupported, transferSyntax: TransferSyntaxUIDs.ImplicitVRLittleEndian });
      continue;
    }
    answers.push({ id: pc.id, result: PresentationContextResult.Acceptance, transferSyntax: chosen });
    accepted.push({ id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: chosen });
  }
  return { answers, accepted };
}
