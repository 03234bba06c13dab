import { TransferSyntaxUIDs } from '@nidus/dicom';
import { nativeDecoder } from './native.decoder';

/** Explicit VR Little Endian (PS3.5 A.2). */
export const explicitVRLittleEndianDecoder = nativeDecoder(TransferSyntaxUIDs.ExplicitVRLittleEndian, true);
