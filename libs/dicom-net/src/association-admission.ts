import { AssociateRj, RejectReason, RejectResult, RejectSource } from './pdu.types';

/** How many associations may run at once, in all and per sender, and how many are kept for known AEs. */
export interface AdmissionLimits {
  /** associations at once, the reserve included */
  maxAssociations: number;
  /** associations at once with one calling AE title; 0: no limit of its own */
  maxPerCallingAETitle: number;
  /** associations at once from one remote address (the known AEs are not held to it); 0: no limit of its own */
  maxPerAddress: number;
  /** of maxAssociations, the slots only `reservedCallingAETitles` may take */
  reserved: number;
  /** the known AEs the reserve is for (bind them to addresses with callingAETitleAddresses, or the title can be borrowed) */
  reservedCallingAETitles: ReadonlySet<string>;
}

export interface AdmissionPeer {
  callingAETitle: string;
  remoteAddress: string;
}

/** PS3.8 9.3.4: a limit we set ourselves is a transient rejection by the service provider (presentation), local limit exceeded. */
const LOCAL_LIMIT: AssociateRj = {
  result: RejectResult.Transient,
  source: RejectSource.ServiceProviderPresentation,
  reason: RejectReason.Presentation.LocalLimitExceeded,
};

export interface AdmissionRefusal {
  rj: AssociateRj;
  /** which limit, for the log */
  limit: 'per-calling-ae' | 'per-address' | 'general' | 'total';
}

/**
 * Whether one more association may start beside those established: the limits per calling AE title and
 * per address, then the slots left, where the last `reserved` of them are only for the known AEs (so a
 * flood from unknown senders cannot lock the PACS out). Undefined: admitted.
 */
export function admissionRefusal(limits: AdmissionLimits, established: readonly AdmissionPeer[], candidate: AdmissionPeer): AdmissionRefusal | undefined {
  const sameAe = established.filter((p) => p.callingAETitle === candidate.callingAETitle).length;
  if (limits.maxPerCallingAETitle > 0 && sameAe >= limits.maxPerCallingAETitle) return { rj: LOCAL_LIMIT, limit: 'per-calling-ae' };
  const known = limits.reservedCallingAETitles.has(candidate.callingAETitle);
  // a known AE is not held back by others sharing its address (a NAT, or the host an attacker also uses)
  const sameAddress = established.filter((p) => p.remoteAddress === candidate.remoteAddress).length;
  if (!known && limits.maxPerAddress > 0 && sameAddress >= limits.maxPerAddress) return { rj: LOCAL_LIMIT, limit: 'per-address' };
  if (established.length >= limits.maxAssociations) return { rj: LOCAL_LIMIT, limit: 'total' };
  // with no known AE named, nobody could use a reserve: it is not held back
  const reserve = limits.reservedCallingAETitles.size > 0 ? Math.min(limits.reserved, limits.maxAssociations) : 0;
  if (!known && established.length >= limits.maxAssociations - reserve) return { rj: LOCAL_LIMIT, limit: 'general' };
  return undefined;
}
