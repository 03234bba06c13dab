import type { DicomDataset } from '@nidus/dicom';
import type { DecodedFrame } from '../decoded-frame';
import type { PixelModule } from '../pixel-module';

/**
 * A decoder for one transfer syntax. Codecs (WebAssembly) load lazily through `load()`; once loaded,
 * `decode` runs synchronously so a caller can decode straight into its own buffers.
 */
export interface FrameDecoder {
  readonly transferSyntaxUID: string;
  /** whether the decoded values equal the encoded ones (the syntax is lossless) */
  readonly lossless: boolean;
  /** loads the codec once; resolves at once for native syntaxes */
  load(): Promise<void>;
  isLoaded(): boolean;
  /** decodes frame `frameIndex` of the dataset; throws a typed error when it cannot */
  decode(ds: DicomDataset, m: PixelModule, frameIndex: number): DecodedFrame;
}
