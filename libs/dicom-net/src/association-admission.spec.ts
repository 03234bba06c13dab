import { AdmissionLimits, AdmissionPeer, admissionRefusal } from './association-admission';
import { RejectReason, RejectResult, RejectSource } from './pdu.types';

const LOCAL_LIMIT = { result: RejectResult.Transient, source: RejectSource.ServiceProviderPresentation, reason: RejectReason.Presentation.LocalLimitExceeded };

function limits(overrides: Partial<AdmissionLimits> = {}): AdmissionLimits {
  return { maxAssociations: 6, maxPerCallingAETitle: 0, maxPerAddress: 0, reserved: 2, reservedCallingAETitles: new Set(['PACS']), ...overrides };
}

const peers = (n: number, ae: (i: number) => string, address: (i: number) => string = () => '10.0.0.9'): AdmissionPeer[] =>
  Array.from({ length: n }, (_, i) => ({ callingAETitle: ae(i), remoteAddress: address(i) }));

describe(admissionRefusal.name, () => {
  it('keeps the last slots for the reserved AEs, and refuses everyone once all are taken', () => {
    const unknown = { callingAETitle: 'X', remoteAddress: '10.0.0.5' };
    const pacs = { callingAETitle: 'PACS', remoteAddress: '10.0.0.2' };
    expect(
      admissionRefusal(
        limits(),
        peers(3, (i) => `U${i}`),
        unknown,
      ),
    ).toBeUndefined();
    expect(
      admissionRefusal(
        limits(),
        peers(4, (i) => `U${i}`),
        unknown,
      ),
    ).toEqual({ rj: LOCAL_LIMIT, limit: 'general' });
    expect(
      admissionRefusal(
        limits(),
        peers(5, (i) => `U${i}`),
        pacs,
      ),
    ).toBeUndefined();
    expect(
      admissionRefusal(
        limits(),
        peers(6, (i) => `U${i}`),
        pacs,
      ),
    ).toEqual({ rj: LOCAL_LIMIT, limit: 'total' });
  });

  it('holds no reserve when no AE is named for it', () => {
    expect(
      admissionRefusal(
        limits({ reservedCallingAETitles: new Set() }),
        peers(5, (i) => `U${i}`),
        { callingAETitle: 'X', remoteAddress: 'a' },
      ),
    ).toBeUndefined();
  });

  it('limits one calling AE title and one address; the reserved AEs are held to their title limit only', () => {
    const l = limits({ maxAssociations: 20, maxPerCallingAETitle: 2, maxPerAddress: 3 });
    expect(
      admissionRefusal(
        l,
        peers(2, () => 'MOD'),
        { callingAETitle: 'MOD', remoteAddress: '10.0.0.1' },
      )?.limit,
    ).toBe('per-calling-ae');
    expect(
      admissionRefusal(
        l,
        peers(3, (i) => `M${i}`),
        { callingAETitle: 'NEW', remoteAddress: '10.0.0.9' },
      )?.limit,
    ).toBe('per-address');
    expect(
      admissionRefusal(
        l,
        peers(3, (i) => `M${i}`),
        { callingAETitle: 'NEW', remoteAddress: '10.0.0.8' },
      ),
    ).toBeUndefined();
    expect(
      admissionRefusal(
        l,
        peers(3, (i) => `M${i}`),
        { callingAETitle: 'PACS', remoteAddress: '10.0.0.9' },
      ),
    ).toBeUndefined();
    expect(
      admissionRefusal(
        l,
        peers(2, () => 'PACS'),
        { callingAETitle: 'PACS', remoteAddress: '10.0.0.1' },
      )?.limit,
    ).toBe('per-calling-ae');
  });
});
