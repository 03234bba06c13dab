import { TransferSyntaxUIDs } from '@nidus/dicom';
import { nativeDecoder } from './native.decoder';

/** Deflated Explicit VR Little Endian (PS3.5 A.5): libs/dicom inflates the dataset on reading, the pixels are then native little endian. */
export const deflatedExplicitVRLittleEndianDecoder = nativeDecoder(TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian, true);
