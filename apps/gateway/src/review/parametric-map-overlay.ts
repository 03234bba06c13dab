import type { DicomDataset } from '@nidus/dicom';

/** One map as the review page draws it: what it is, its unit, its display range, and its frames by source image. */
export interface ParametricMapOverlay {
  SOPInstanceUID: string;
  /** LUTLabel of the Real World Value Mapping ('TMAX') */
  label: string;
  /** the quantity's CodeMeaning */
  meaning: string;
  /** UCUM CodeValue ('s', '%') */
  unit: string;
  /** the range the levels span: the Frame VOI LUT window, else the mapped values' range */
  range: [number, number];
  Rows: number;
  Columns: number;
  /**
   * per referenced source SOPInstanceUID: one byte per pixel, base64; 0 where the map has no value (padding), 1..255
   * the real-world value from range[0] (1) to range[1] (255), clamped
   */
  frames: Record<string, string>;
}

/** A Parametric Map that the page cannot draw: float pixels with a source image per frame are expected. */
export class UnreadableParametricMapError extends Error {
  override name = 'UnreadableParametricMapError';
}

/**
 * The levels of a float Parametric Map (PS3.3 A.75) for drawing over its source images: each frame's real-world
 * values (Real World Value Mapping, C.7.6.16.2.11: value = stored x slope + intercept), quantised to 255 levels over
 * the recommended display range (Frame VOI LUT, C.7.6.16.2.10), padding (FloatPixelPaddingValue, C.7.6.24) left
 * transparent. Shared groups are read before per-frame ones (C.7.6.16.1: a macro is in one or the other).
 */
export function parametricMapOverlay(ds: DicomDataset): ParametricMapOverlay {
  const Rows = ds.number('Rows') ?? 0;
  const Columns = ds.number('Columns') ?? 0;
  const pixels = ds.bytes('FloatPixelData');
  if (!pixels || ds.number('BitsAllocated') !== 32) throw new UnreadableParametricMapError('only 32-bit float Parametric Maps are drawn');
  const floats = new Float32Array(pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength));
  const shared = ds.sequence('SharedFunctionalGroupsSequence')[0];
  const perFrame = ds.sequence('PerFrameFunctionalGroupsSequence');
  const group = (frame: DicomDataset | undefined, keyword: string) => shared?.sequence(keyword)[0] ?? frame?.sequence(keyword)[0];
  const rwvm = group(perFrame[0], 'RealWorldValueMappingSequence');
  const slope = rwvm?.number('RealWorldValueSlope') ?? 1;
  const intercept = rwvm?.number('RealWorldValueIntercept') ?? 0;
  const voi = group(perFrame[0], 'FrameVOILUTSequence');
  const center = voi?.number('WindowCenter');
  const width = voi?.number('WindowWidth');
  const range: [number, number] =
    center !== undefined && width !== undefined && width > 0
      ? [center - width / 2, center + width / 2]
      : [rwvm?.number('DoubleFloatRealWorldValueFirstValueMapped') ?? 0, rwvm?.number('DoubleFloatRealWorldValueLastValueMapped') ?? 1];
  const padding = ds.number('FloatPixelPaddingValue');
  const limit = ds.number('FloatPixelPaddingRangeLimit') ?? padding;
  const [low, high] = padding === undefined ? [NaN, NaN] : [Math.min(padding, limit!), Math.max(padding, limit!)];
  const span = range[1] - range[0] || 1;
  const size = Rows * Columns;
  const frames: Record<string, string> = {};
  perFrame.forEach((frame, k) => {
    const source = frame.sequence('DerivationImageSequence')[0]?.sequence('SourceImageSequence')[0]?.string('ReferencedSOPInstanceUID');
    if (!source || (k + 1) * size > floats.length) return;
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const stored = floats[k * size + i];
      if (!Number.isFinite(stored) || (stored >= low && stored <= high)) continue;
      const level = Math.round(1 + (254 * (stored * slope + intercept - range[0])) / span);
      out[i] = Math.max(1, Math.min(255, level));
    }
    frames[source] = Buffer.from(out).toString('base64');
  });
  if (!Object.keys(frames).length) throw new UnreadableParametricMapError('no frame of the map names its source image');
  return {
    SOPInstanceUID: ds.string('SOPInstanceUID') ?? '',
    label: rwvm?.string('LUTLabel') ?? ds.string('ContentLabel') ?? 'MAP',
    meaning:
      rwvm?.sequence('QuantityDefinitionSequence')[0]?.sequence('ConceptCodeSequence')[0]?.string('CodeMeaning') ?? ds.string('ContentDescription') ?? '',
    unit: rwvm?.sequence('MeasurementUnitsCodeSequence')[0]?.string('CodeValue') ?? '',
    range,
    Rows,
    Columns,
    frames,
  };
}
