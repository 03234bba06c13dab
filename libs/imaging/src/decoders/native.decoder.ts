import type { DicomDataset } from '@nidus/dicom';
import type { DecodedFrame } from '../decoded-frame';
import { decodeNativeFrame } from '../native-pixels';
import { nativeFrame } from '../pixel-data';
import type { PixelModule } from '../pixel-module';
import type { FrameDecoder } from './frame-decoder';

/** The shape shared by the native (uncompressed) syntaxes: they differ only in byte order (PS3.5 A.1-A.3, A.5). */
export function nativeDecoder(transferSyntaxUID: string, littleEndian: boolean): FrameDecoder {
  return {
    transferSyntaxUID,
    lossless: true,
    load: () => Promise.resolve(),
    isLoaded: () => true,
    decode(ds: DicomDataset, m: PixelModule, frameIndex: number): DecodedFrame {
      return decodeNativeFrame(nativeFrame(ds, m, frameIndex), m, littleEndian);
    },
  };
}
