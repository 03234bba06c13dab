import {
  decodeAssociateAc,
  decodeAssociateRj,
  decodeAssociateRq,
  encodeAssociateAc,
  encodeAssociateRj,
  encodeAssociateRq,
  PDU_HEADER_LENGTH,
} from './pdu.codec';
import { DICOM_APPLICATION_CONTEXT, PduType, PresentationContextResult } from './pdu.types';

describe('PDU codec', () => {
  const rq = {
    protocolVersion: 1,
    calledAETitle: 'NIDUS',
    callingAETitle: 'PACS_01',
    applicationContext: DICOM_APPLICATION_CONTEXT,
    presentationContexts: [
      { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
      { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.1'] },
    ],
    userInformation: {
      maxPduLength: 16384,
      implementationClassUID: '1.2.3.4',
      implementationVersionName: 'TEST_1',
      asyncOperations: { invoked: 1, performed: 1 },
      roleSelections: [{ sopClassUID: '1.2.3', scuRole: true, scpRole: false }],
    },
  };

  it('round-trips an A-ASSOCIATE-RQ, with the PS3.8 9.3.2 fixed layout', () => {
    const bytes = encodeAssociateRq(rq);
    expect(bytes[0]).toBe(PduType.AssociateRq);
    expect(bytes.readUInt32BE(2)).toBe(bytes.length - PDU_HEADER_LENGTH);
    expect(bytes.toString('latin1', 10, 26)).toBe('NIDUS           ');
    expect(bytes.toString('latin1', 26, 42)).toBe('PACS_01         ');
    expect(decodeAssociateRq(bytes.subarray(PDU_HEADER_LENGTH))).toEqual(rq);
  });

  it('round-trips an A-ASSOCIATE-AC and an A-ASSOCIATE-RJ', () => {
    const ac = {
      ...rq,
      presentationContexts: [
        { id: 1, result: PresentationContextResult.Acceptance, transferSyntax: '1.2.840.10008.1.2' },
        { id: 3, result: PresentationContextResult.TransferSyntaxesNotSupported, transferSyntax: '1.2.840.10008.1.2' },
      ],
      userInformation: { maxPduLength: 0, implementationClassUID: '1.2.3.4' },
    };
    expect(decodeAssociateAc(encodeAssociateAc(ac).subarray(PDU_HEADER_LENGTH))).toEqual(ac);
    const rj = encodeAssociateRj({ result: 1, source: 1, reason: 7 });
    expect([...rj]).toEqual([0x03, 0, 0, 0, 0, 4, 0, 1, 1, 7]);
    expect(decodeAssociateRj(rj.subarray(PDU_HEADER_LENGTH))).toEqual({ result: 1, source: 1, reason: 7 });
  });

  it('refuses an item that runs past its PDU', () => {
    const bytes = encodeAssociateRq(rq);
    expect(() => decodeAssociateRq(bytes.subarray(PDU_HEADER_LENGTH, bytes.length - 3))).toThrow(/runs past the end/);
  });
});
