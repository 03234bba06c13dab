import { readPart10 } from '@nidus/dicom';

/** Segmentation Storage (PS3.4 B.5) */
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SourceGrid {
  rows: number;
  columns: number;
  /** ImagePositionPatient of each source slice, in the order of the masks' z index */
  ImagePositionPatient: readonly (readonly number[])[];
}

export interface DecodedSegment {
  SegmentNumber: number;
  SegmentLabel: string;
  /** 0/1 per voxel of the source grid, index (z * rows + y) * columns + x */
  mask: Uint8Array;
  frames: number;
}

/** A frame whose plane position matches none of the source slices. */
export class SegmentationGeometryError extends Error {
  override name = 'SegmentationGeometryError';
}

/**
 * Reads a binary DICOM SEG back onto its source grid, independently of the builder: BitsAllocated 1
 * frames packed end to end, least significant bit first (PS3.5 8.1.1); each frame placed by its
 * per-frame SegmentIdentificationSequence > ReferencedSegmentNumber and PlanePositionSequence >
 * ImagePositionPatient (PS3.3 C.8.20.2, C.7.6.16.2.3).
 */
export function readSegmentation(bytes: Uint8Array, grid: SourceGrid, toleranceMm = 0.01): DecodedSegment[] {
  const ds = readPart10(bytes);
  if (ds.requireString('SOPClassUID') !== SEGMENTATION_STORAGE) throw new SegmentationGeometryError(`not a SEG: ${ds.string('SOPClassUID')}`);
  const rows = ds.requireNumber('Rows');
  const columns = ds.requireNumber('Columns');
  if (rows !== grid.rows || columns !== grid.columns) throw new SegmentationGeometryError(`SEG is ${rows}x${columns}, source ${grid.rows}x${grid.columns}`);
  if (ds.requireNumber('BitsAllocated') !== 1) throw new SegmentationGeometryError('not a binary SEG');
  const frameCount = ds.requireNumber('NumberOfFrames');
  const pixels = ds.bytes('PixelData');
  const perFrame = rows * columns;
  if (!pixels || pixels.length < Math.ceil((frameCount * perFrame) / 8)) throw new SegmentationGeometryError('PixelData shorter than its frames');
  const segments = new Map<number, DecodedSegment>();
  for (const item of ds.sequence('SegmentSequence')) {
    const SegmentNumber = item.requireNumber('SegmentNumber');
    segments.set(SegmentNumber, {
      SegmentNumber,
      SegmentLabel: item.string('SegmentLabel') ?? '',
      mask: new Uint8Array(perFrame * grid.ImagePositionPatient.length),
      frames: 0,
    });
  }
  const frames = ds.sequence('PerFrameFunctionalGroupsSequence');
  if (frames.length !== frameCount) throw new SegmentationGeometryError(`${frames.length} per-frame items for ${frameCount} frames`);
  frames.forEach((frame, f) => {
    const number = frame.sequence('SegmentIdentificationSequence')[0]?.requireNumber('ReferencedSegmentNumber');
    const position = frame.sequence('PlanePositionSequence')[0]?.numbers('ImagePositionPatient') ?? [];
    const segment = number === undefined ? undefined : segments.get(number);
    if (!segment) throw new SegmentationGeometryError(`frame ${f + 1} names segment ${number}, not in SegmentSequence`);
    const z = grid.ImagePositionPatient.findIndex((p) => position.length === 3 && p.every((v, i) => Math.abs(v - position[i]) <= toleranceMm));
    if (z < 0) throw new SegmentationGeometryError(`frame ${f + 1} at ${position.join('\\')} matches no source slice`);
    segment.frames++;
    const start = f * perFrame;
    for (let i = 0; i < perFrame; i++) {
      const bit = start + i;
      if ((pixels[bit >>> 3] >>> (bit & 7)) & 1) segment.mask[z * perFrame + i] = 1;
    }
  });
  return [...segments.values()];
}
