import { TransferSyntaxUIDs } from '@nidus/dicom';
import { nativeDecoder } from './native.decoder';

/** Explicit VR Big Endian (PS3.5 A.3, retired): OW Pixel Data is a stream of big endian 16-bit words. */
export const explicitVRBigEndianDecoder = nativeDecoder(TransferSyntaxUIDs.ExplicitVRBigEndian, false);
