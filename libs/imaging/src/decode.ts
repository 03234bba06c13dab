import { DicomError, thrownMessage, UnsupportedTransferSyntaxError, type DicomDataset } from '@nidus/dicom';
import type { DecodedFrame } from './decoded-frame';
import { FrameDecodeError } from './imaging.errors';
import { decoderTable } from './decoders/decoder-table';
import type { FrameDecoder } from './decoders/frame-decoder';
import { readPixelModule, type PixelModule } from './pixel-module';

const modules = new WeakMap<DicomDataset, PixelModule>();

/** The Image Pixel module of a dataset, read once and remembered for the dataset's life. */
export function pixelModuleOf(ds: DicomDataset): PixelModule {
  let m = modules.get(ds);
  if (!m) {
    m = readPixelModule(ds);
    modules.set(ds, m);
  }
  return m;
}

/** The decoder for a transfer syntax; UnsupportedTransferSyntaxError names the UID when there is none. */
export function findDecoder(transferSyntaxUID: string): FrameDecoder {
  const decoder = decoderTable.get(transferSyntaxUID);
  if (!decoder) throw new UnsupportedTransferSyntaxError(transferSyntaxUID);
  return decoder;
}

export function supportedTransferSyntaxes(): string[] {
  return [...decoderTable.keys()];
}

/** Loads the codecs these datasets (or transfer syntax UIDs) need, so that synchronous decoding can follow. */
export async function prepareDecoders(sources: Iterable<DicomDataset | string>): Promise<void> {
  const uids = new Set<string>();
  for (const s of sources) uids.add(typeof s === 'string' ? s : s.transferSyntaxUID);
  await Promise.all([...uids].map((uid) => findDecoder(uid).load()));
}

/** Decodes one frame synchronously; its codec must be loaded (native and RLE need none). */
export function decodeFrameSync(ds: DicomDataset, frameIndex = 0): DecodedFrame {
  const decoder = findDecoder(ds.transferSyntaxUID);
  return typedDecode(decoder, ds, pixelModuleOf(ds), frameIndex);
}

/** Every failure of a decoder leaves as a typed error: what is not one (a RangeError of a bad size, a string) becomes FrameDecodeError. */
function typedDecode(decoder: FrameDecoder, ds: DicomDataset, m: PixelModule, frameIndex: number): DecodedFrame {
  try {
    return decoder.decode(ds, m, frameIndex);
  } catch (error) {
    if (error instanceof DicomError) throw error;
    throw new FrameDecodeError(ds.transferSyntaxUID, thrownMessage(error), error);
  }
}

/** Decodes one frame (0-based) to stored values, loading its codec on first use. */
export async function decodeFrame(ds: DicomDataset, frameIndex = 0): Promise<DecodedFrame> {
  const decoder = findDecoder(ds.transferSyntaxUID);
  const m = pixelModuleOf(ds);
  if (!decoder.isLoaded()) await decoder.load();
  return typedDecode(decoder, ds, m, frameIndex);
}

/** Decodes every frame (NumberOfFrames) of a dataset. */
export async function decodeFrames(ds: DicomDataset): Promise<DecodedFrame[]> {
  const m = pixelModuleOf(ds);
  const frames: DecodedFrame[] = [];
  for (let i = 0; i < m.NumberOfFrames; i++) frames.push(await decodeFrame(ds, i));
  return frames;
}
