// Transfer syntaxes by UID (PS3.5 section 10 and Annex A; PS3.6 Annex A).

export interface TransferSyntax {
  uid: string;
  name: string;
  explicitVR: boolean;
  littleEndian: boolean;
  /** pixel data in fragments (PS3.5 A.4) */
  encapsulated: boolean;
  /** the whole dataset deflated (PS3.5 A.5) */
  deflated: boolean;
  lossy: boolean;
}

function ts(uid: string, name: string, o: Partial<TransferSyntax> = {}): TransferSyntax {
  return { uid, name, explicitVR: true, littleEndian: true, encapsulated: true, deflated: false, lossy: false, ...o };
}

export const TransferSyntaxUIDs = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLossless: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEGLSNearLossless: '1.2.840.10008.1.2.4.81',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  HTJ2KLossless: '1.2.840.10008.1.2.4.201',
  HTJ2KLosslessRPCL: '1.2.840.10008.1.2.4.202',
  HTJ2K: '1.2.840.10008.1.2.4.203',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

const U = TransferSyntaxUIDs;
const table: TransferSyntax[] = [
  ts(U.ImplicitVRLittleEndian, 'Implicit VR Little Endian', { explicitVR: false, encapsulated: false }),
  ts(U.ExplicitVRLittleEndian, 'Explicit VR Little Endian', { encapsulated: false }),
  ts(U.DeflatedExplicitVRLittleEndian, 'Deflated Explicit VR Little Endian', { encapsulated: false, deflated: true }),
  ts(U.ExplicitVRBigEndian, 'Explicit VR Big Endian', { littleEndian: false, encapsulated: false }),
  ts(U.JPEGBaseline8Bit, 'JPEG Baseline (Process 1)', { lossy: true }),
  ts(U.JPEGExtended12Bit, 'JPEG Extended (Process 2 & 4)', { lossy: true }),
  ts(U.JPEGLossless, 'JPEG Lossless, Non-Hierarchical (Process 14)'),
  ts(U.JPEGLosslessSV1, 'JPEG Lossless, First-Order Prediction (Process 14, SV1)'),
  ts(U.JPEGLSLossless, 'JPEG-LS Lossless'),
  ts(U.JPEGLSNearLossless, 'JPEG-LS Lossy (Near-Lossless)', { lossy: true }),
  ts(U.JPEG2000Lossless, 'JPEG 2000 Image Compression (Lossless Only)'),
  ts(U.JPEG2000, 'JPEG 2000 Image Compression', { lossy: true }),
  ts(U.HTJ2KLossless, 'High-Throughput JPEG 2000 (Lossless Only)'),
  ts(U.HTJ2KLosslessRPCL, 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)'),
  ts(U.HTJ2K, 'High-Throughput JPEG 2000', { lossy: true }),
  ts(U.RLELossless, 'RLE Lossless'),
];
const byUid = new Map(table.map((t) => [t.uid, t]));

export function findTransferSyntax(uid: string): TransferSyntax | undefined {
  return byUid.get(uid);
}

export function knownTransferSyntaxes(): readonly TransferSyntax[] {
  return table;
}
