import type { DecodedFrame } from '../decoded-frame';
import { FrameDecodeError } from '../imaging.errors';
import { frameOf, interleavePlanes, storedValues } from '../native-pixels';
import type { PixelModule } from '../pixel-module';
import type { CodecFrameInfo } from '../codecs/lazy-codec';
import { samplesOf } from '../codecs/lazy-codec';

/** Checks a codec's frame against the Image Pixel module and turns its samples into stored values. */
export function codecFrame(
  info: CodecFrameInfo,
  bytes: Uint8Array,
  m: PixelModule,
  transferSyntaxUID: string,
  photometricInterpretation: string,
  planar = false,
): DecodedFrame {
  if (info.width !== m.Columns || info.height !== m.Rows) {
    throw new FrameDecodeError(transferSyntaxUID, `bitstream is ${info.width}x${info.height}, the dataset says Columns ${m.Columns} x Rows ${m.Rows}`);
  }
  if (info.componentCount !== m.SamplesPerPixel) {
    throw new FrameDecodeError(transferSyntaxUID, `bitstream has ${info.componentCount} components, the dataset says SamplesPerPixel ${m.SamplesPerPixel}`);
  }
  if (info.bitsPerSample > m.BitsAllocated) {
    throw new FrameDecodeError(transferSyntaxUID, `bitstream precision ${info.bitsPerSample} exceeds BitsAllocated ${m.BitsAllocated}`);
  }
  const count = m.Rows * m.Columns * m.SamplesPerPixel;
  const size = info.bitsPerSample <= 8 ? 1 : info.bitsPerSample <= 16 ? 2 : 4;
  if (bytes.length < count * size) throw new FrameDecodeError(transferSyntaxUID, `codec returned ${bytes.length} bytes, expected ${count * size}`);
  let values = storedValues(samplesOf(bytes, info.bitsPerSample, count), m);
  if (planar && m.SamplesPerPixel > 1) values = interleavePlanes(values, m.Rows * m.Columns, m.SamplesPerPixel);
  return frameOf(values, m, photometricInterpretation);
}

/** Photometric interpretation after a JPEG 2000 decoder applied the inverse component transform (PS3.5 8.2.4). */
export function afterJ2kColourTransform(photometric: string): string {
  return photometric === 'YBR_ICT' || photometric === 'YBR_RCT' ? 'RGB' : photometric;
}
