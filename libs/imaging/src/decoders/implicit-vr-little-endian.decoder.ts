import { TransferSyntaxUIDs } from '@nidus/dicom';
import { nativeDecoder } from './native.decoder';

/** Implicit VR Little Endian (PS3.5 A.1). */
export const implicitVRLittleEndianDecoder = nativeDecoder(TransferSyntaxUIDs.ImplicitVRLittleEndian, true);
