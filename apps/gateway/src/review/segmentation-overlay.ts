import { dicomLabToRgb, type DicomDataset } from '@nidus/dicom';

/** One segment of a SEG, with its frames by the source image each lies on. */
export interface OverlaySegment {
  SegmentNumber: number;
  SegmentLabel: string;
  /** sRGB from RecommendedDisplayCIELabValue (PS3.3 C.8.20.2), grey when absent */
  rgb: [number, number, number];
  /** per referenced source SOPInstanceUID: the frame's pixels, 1 bit each, row by row, packed LSB first, base64 */
  frames: Record<string, string>;
}

export interface SegmentationOverlay {
  SOPInstanceUID: string;
  Rows: number;
  Columns: number;
  segments: OverlaySegment[];
}

/** A SEG that the overlay cannot read: a binary, native one with a source image per frame is expected. */
export class UnreadableSegmentationError extends Error {
  override name = 'UnreadableSegmentationError';
}

/**
 * The segments of a binary DICOM SEG (PS3.3 A.51, C.8.20) for drawing over its source images: each frame's
 * segment (SegmentIdentificationSequence) and source image (DerivationImageSequence > SourceImageSequence), its
 * bits cut out of the packed Pixel Data (PS3.5 8.1.1: frames follow each other without padding) and re-packed
 * from a byte boundary.
 */
export function segmentationOverlay(ds: DicomDataset): SegmentationOverlay {
  const Rows = ds.number('Rows') ?? 0;
  const Columns = ds.number('Columns') ?? 0;
  if (ds.number('BitsAllocated') !== 1 || ds.string('SegmentationType') !== 'BINARY') {
    throw new UnreadableSegmentationError('only BINARY segmentations with 1-bit pixels are drawn');
  }
  const pixels = ds.bytes('PixelData');
  if (!pixels || ds.element('PixelData')?.fragments) throw new UnreadableSegmentationError('the SEG has no native Pixel Data');
  const segments = new Map<number, OverlaySegment>();
  for (const s of ds.sequence('SegmentSequence')) {
    const SegmentNumber = s.number('SegmentNumber') ?? 0;
    const lab = s.numbers('RecommendedDisplayCIELabValue');
    segments.set(SegmentNumber, {
      SegmentNumber,
      SegmentLabel: s.string('SegmentLabel') ?? `Segment ${SegmentNumber}`,
      rgb: lab.length === 3 ? dicomLabToRgb(lab as [number, number, number]) : [128, 128, 128],
      frames: {},
    });
  }
  const bitsPerFrame = Rows * Columns;
  const frames = ds.sequence('PerFrameFunctionalGroupsSequence');
  frames.forEach((frame, k) => {
    const number = frame.sequence('SegmentIdentificationSequence')[0]?.number('ReferencedSegmentNumber');
    const source = frame.sequence('DerivationImageSequence')[0]?.sequence('SourceImageSequence')[0]?.string('ReferencedSOPInstanceUID');
    const segment = number === undefined ? undefined : segments.get(number);
    if (!segment || !source) return;
    const out = new Uint8Array(Math.ceil(bitsPerFrame / 8));
    const first = k * bitsPerFrame;
    if ((first & 7) === 0) out.set(pixels.subarray(first >> 3, (first >> 3) + out.length));
    else {
      for (let i = 0; i < bitsPerFrame; i++) {
        const bit = first + i;
        if ((pixels[bit >> 3] >> (bit & 7)) & 1) out[i >> 3] |= 1 << (i & 7);
      }
    }
    segment.frames[source] = Buffer.from(out).toString('base64');
  });
  return { SOPInstanceUID: ds.string('SOPInstanceUID') ?? '', Rows, Columns, segments: [...segments.values()] };
}
