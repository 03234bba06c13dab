import { DicomError, ThrownValueError, type DicomDataset } from '@nidus/dicom';
import { decodeFrameInto } from './decode-into';
import { prepareDecoders, pixelModuleOf } from './decode';
import { CodecLoadError, DecoderNotLoadedError, Inconsistent4DSeriesError, InconsistentVolumeError } from './imaging.errors';
import { modalityLutOf, type PixelPadding } from './modality-lut';
import { sameOrientation, sliceGeometryOf, sliceNormal, slicePosition, type Orientation, type SliceGeometry, type Vec3 } from './slice-geometry';
import { TIME_SOURCES, unwrapMidnight, type TimeSource } from './temporal';
import type { Geometry4D, Volume4D } from './volume4d';

/** How a 4D series is laid out: which source image fills each (time point, slice) slot, and at what time. */
export interface Plan4D {
  columns: number;
  rows: number;
  slices: number;
  timePoints: number;
  timesSeconds: Float64Array;
  spacingMm: [number, number, number];
  ImageOrientationPatient: Orientation;
  ImagePositionPatient: Vec3[];
  /** index into the input list of the image at [t][z] */
  source: number[][];
  SOPInstanceUIDs: string[][];
  /** which attribute gave the times */
  timeSource: string;
}

/** An image of the plan that could not be read or decoded (a DicomError of its own bytes, not of this machine). */
export interface UnreadableImage {
  t: number;
  z: number;
  SOPInstanceUID: string;
  error: Error;
}

export interface Build4DOptions {
  /**
   * called for an image whose bytes cannot be read or decoded; its slot is left at 0 and the fill goes on
   * (absent: the error is thrown). Codecs that failed to load are this machine's failure and always thrown.
   */
  onUnreadable?: (image: UnreadableImage) => void;
  /** slices closer than this along the normal are one position (mm); default 0.01 */
  positionToleranceMm?: number;
  /** output for padding pixels (PS3.3 C.7.5.1.1.2); default -1024 for CT (air), else the lowest modality value */
  paddingOutput?: number;
}

interface Header {
  index: number;
  geometry: SliceGeometry;
  position: number;
  temporalPosition?: number;
  instanceNumber?: number;
  sop: string;
}

/** The time source present on the most images, preferring the earlier sources in TIME_SOURCES on ties. */
function chooseTimeSource(datasets: readonly DicomDataset[]): { source: TimeSource; times: (number | undefined)[] } | undefined {
  let best: { source: TimeSource; times: (number | undefined)[]; count: number } | undefined;
  for (const source of TIME_SOURCES) {
    const times = datasets.map((ds) => source.read(ds));
    const count = times.filter((t) => t !== undefined).length;
    if (count > 0 && (!best || count > best.count)) best = { source, times, count };
    if (count === datasets.length) break;
  }
  if (!best) return undefined;
  return { source: best.source, times: best.source.timeOfDay ? unwrapMidnight(best.times) : best.times };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Splits a perfusion series into time points x slice positions, from headers only (PS3.3 C.7.6.2 for the
 * geometry; TemporalPositionIdentifier C.7.6.x when every image has it, else the acquisition times).
 */
export function plan4D(datasets: readonly DicomDataset[], options: Build4DOptions = {}): Plan4D {
  if (datasets.length === 0) throw new Inconsistent4DSeriesError('no images');
  const tolerance = options.positionToleranceMm ?? 0.01;
  const first = sliceGeometryOf(datasets[0]);
  const normal = sliceNormal(first.ImageOrientationPatient);
  const headers: Header[] = datasets.map((ds, index) => {
    const geometry = sliceGeometryOf(ds);
    const sop = ds.string('SOPInstanceUID') ?? `#${index}`;
    if (!sameOrientation(geometry.ImageOrientationPatient, first.ImageOrientationPatient)) {
      throw new InconsistentVolumeError(
        `${sop} has ImageOrientationPatient ${geometry.ImageOrientationPatient.join('\\')}, the series ${first.ImageOrientationPatient.join('\\')}`,
      );
    }
    if (geometry.Rows !== first.Rows || geometry.Columns !== first.Columns) {
      throw new InconsistentVolumeError(`${sop} is ${geometry.Columns}x${geometry.Rows}, the series ${first.Columns}x${first.Rows}`);
    }
    if (Math.abs(geometry.PixelSpacing[0] - first.PixelSpacing[0]) > 1e-3 || Math.abs(geometry.PixelSpacing[1] - first.PixelSpacing[1]) > 1e-3) {
      throw new InconsistentVolumeError(`${sop} has PixelSpacing ${geometry.PixelSpacing.join('\\')}, the series ${first.PixelSpacing.join('\\')}`);
    }
    return {
      index,
      geometry,
      sop,
      position: slicePosition(geometry, normal),
      temporalPosition: ds.number('TemporalPositionIdentifier'),
      instanceNumber: ds.number('InstanceNumber'),
    };
  });

  // slice positions along the normal, ascending
  const byPosition = [...headers].sort((a, b) => a.position - b.position);
  const groups: Header[][] = [];
  for (const h of byPosition) {
    const last = groups[groups.length - 1];
    if (last && Math.abs(h.position - last[0].position) <= tolerance) last.push(h);
    else groups.push([h]);
  }
  const timePoints = groups[0].length;
  for (const g of groups) {
    if (g.length !== timePoints) {
      throw new Inconsistent4DSeriesError(
        `slice positions hold different numbers of images: ${groups.map((x) => x.length).join(', ')} (slice counts differ between time points)`,
      );
    }
  }

  const timing = chooseTimeSource(datasets);
  const allTemporal = headers.every((h) => h.temporalPosition !== undefined);
  // order the images of each slice position in time
  const everyTimed = timing !== undefined && headers.every((h) => timing.times[h.index] !== undefined);
  const everyNumbered = headers.every((h) => h.instanceNumber !== undefined);
  if (!allTemporal && !everyTimed && !everyNumbered) {
    throw new Inconsistent4DSeriesError(
      'cannot order the images in time: no TemporalPositionIdentifier, and acquisition times and InstanceNumber are each missing on some',
    );
  }
  const compare = (a: Header, b: Header): number => {
    if (allTemporal) return a.temporalPosition! - b.temporalPosition!;
    if (everyTimed) return timing!.times[a.index]! - timing!.times[b.index]! || (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0);
    return a.instanceNumber! - b.instanceNumber!;
  };
  for (const g of groups) g.sort(compare);
  if (allTemporal) {
    // the same identifiers at every slice position
    const ids = groups[0].map((h) => h.temporalPosition);
    for (const g of groups) {
      if (g.some((h, t) => h.temporalPosition !== ids[t]))
        throw new Inconsistent4DSeriesError('TemporalPositionIdentifier values differ between slice positions');
    }
    if (new Set(ids).size !== ids.length) throw new Inconsistent4DSeriesError('a TemporalPositionIdentifier repeats at one slice position');
  }

  // the time of a time point: the mean of its images' times
  const absolute: number[] = [];
  for (let t = 0; t < timePoints; t++) {
    const known = groups.map((g) => timing?.times[g[t].index]).filter((x): x is number => x !== undefined);
    if (known.length === 0) {
      throw new Inconsistent4DSeriesError(`time point ${t + 1} has no AcquisitionDateTime, AcquisitionTime, ContentTime or TriggerTime on any of its images`);
    }
    absolute.push(known.reduce((a, b) => a + b, 0) / known.length);
  }
  const timesSeconds = Float64Array.from(absolute, (x) => x - absolute[0]);
  for (let t = 1; t < timePoints; t++) {
    if (!(timesSeconds[t] > timesSeconds[t - 1])) {
      throw new Inconsistent4DSeriesError(`time points ${t} and ${t + 1} are not in increasing time (${timesSeconds[t - 1]} s, ${timesSeconds[t]} s)`);
    }
  }

  const ImagePositionPatient = groups.map((g) => [...g[0].geometry.ImagePositionPatient] as Vec3);
  let sliceSpacing: number;
  if (groups.length > 1) {
    const gaps = groups.slice(1).map((g, z) => g[0].position - groups[z][0].position);
    sliceSpacing = median(gaps);
    const irregular = gaps.find((gap) => Math.abs(gap - sliceSpacing) > Math.max(0.01, 0.05 * sliceSpacing));
    if (irregular !== undefined) throw new InconsistentVolumeError(`slice gaps are not uniform: ${gaps.map((g) => g.toFixed(3)).join(', ')} mm`);
  } else {
    const ds = datasets[groups[0][0].index];
    sliceSpacing = ds.number('SpacingBetweenSlices') ?? ds.number('SliceThickness') ?? NaN;
    if (!(sliceSpacing > 0)) throw new Inconsistent4DSeriesError('one slice position, and neither SpacingBetweenSlices nor SliceThickness gives its thickness');
  }

  return {
    columns: first.Columns,
    rows: first.Rows,
    slices: groups.length,
    timePoints,
    timesSeconds,
    spacingMm: [first.PixelSpacing[1], first.PixelSpacing[0], sliceSpacing],
    ImageOrientationPatient: [...first.ImageOrientationPatient] as Orientation,
    ImagePositionPatient,
    source: Array.from({ length: timePoints }, (_, t) => groups.map((g) => g[t].index)),
    SOPInstanceUIDs: Array.from({ length: timePoints }, (_, t) => groups.map((g) => g[t].sop)),
    timeSource: allTemporal ? `TemporalPositionIdentifier, times from ${timing?.source.name}` : timing!.source.name,
  };
}

/** Padding of a dataset, if any, with the output value padded pixels take. */
function paddingOf(ds: DicomDataset, options: Build4DOptions): PixelPadding | undefined {
  const m = pixelModuleOf(ds);
  if (m.PixelPaddingValue === undefined) return undefined;
  const lut = modalityLutOf(ds);
  const lowest =
    lut.kind === 'rescale'
      ? Math.min(
          lut.RescaleIntercept + lut.RescaleSlope * (m.PixelRepresentation ? -(2 ** (m.BitsStored - 1)) : 0),
          lut.RescaleIntercept + lut.RescaleSlope * (m.PixelRepresentation ? 2 ** (m.BitsStored - 1) - 1 : 2 ** m.BitsStored - 1),
        )
      : Math.min(...Array.from(lut.table.data));
  const output = options.paddingOutput ?? (ds.string('Modality') === 'CT' ? -1024 : lowest);
  return { PixelPaddingValue: m.PixelPaddingValue, PixelPaddingRangeLimit: m.PixelPaddingRangeLimit, output };
}

/** Decodes the image of slot (t, z) into target at offset; an unreadable image leaves zeros there and is reported. */
function decodeSlot(
  plan: Plan4D,
  t: number,
  z: number,
  image: (index: number) => DicomDataset,
  target: Float32Array,
  offset: number,
  options: Build4DOptions,
): void {
  try {
    const ds = image(plan.source[t][z]);
    const m = pixelModuleOf(ds);
    if (m.Rows !== plan.rows || m.Columns !== plan.columns)
      throw new InconsistentVolumeError(`image at time point ${t + 1}, slice ${z + 1} is ${m.Columns}x${m.Rows}`);
    if (m.NumberOfFrames !== 1)
      throw new Inconsistent4DSeriesError(`${plan.SOPInstanceUIDs[t][z]} has ${m.NumberOfFrames} frames; the 4D builder takes single-frame images`);
    decodeFrameInto(ds, 0, target, offset, modalityLutOf(ds), paddingOf(ds, options));
  } catch (error) {
    const own =
      error instanceof DicomError && !(error instanceof CodecLoadError) && !(error instanceof DecoderNotLoadedError) && !(error instanceof ThrownValueError);
    if (!options.onUnreadable || !own) throw error;
    target.fill(0, offset, offset + plan.rows * plan.columns);
    options.onUnreadable({ t, z, SOPInstanceUID: plan.SOPInstanceUIDs[t][z], error });
  }
}

/** The layout a plan gives its volume, without pixels. */
export function planGeometry(plan: Plan4D): Geometry4D {
  return {
    columns: plan.columns,
    rows: plan.rows,
    slices: plan.slices,
    timePoints: plan.timePoints,
    timesSeconds: plan.timesSeconds,
    spacingMm: plan.spacingMm,
    ImageOrientationPatient: plan.ImageOrientationPatient,
    ImagePositionPatient: plan.ImagePositionPatient,
    SOPInstanceUIDs: plan.SOPInstanceUIDs,
  };
}

/**
 * Fills the Float32 volume of a plan: one allocation, each image decoded straight into its slot after the
 * Modality LUT. `image(i)` gives the dataset with pixels of input i (the same list, or a file read on demand).
 */
export function fill4D(plan: Plan4D, image: (index: number) => DicomDataset, options: Build4DOptions = {}): Volume4D {
  const frame = plan.rows * plan.columns;
  const data = new Float32Array(plan.timePoints * plan.slices * frame);
  for (let t = 0; t < plan.timePoints; t++) {
    for (let z = 0; z < plan.slices; z++) decodeSlot(plan, t, z, image, data, (t * plan.slices + z) * frame, options);
  }
  return { data, ...planGeometry(plan) };
}

/**
 * The images of a plan one at a time, in slot order (t, then z): each decoded (as fill4D does) into one
 * reused frame handed to `onFrame`, so the whole volume is never in memory. The frame is overwritten by
 * the next image: copy or reduce it before returning.
 */
export function stream4D(
  plan: Plan4D,
  image: (index: number) => DicomDataset,
  onFrame: (t: number, z: number, pixels: Float32Array) => void,
  options: Build4DOptions = {},
): Geometry4D {
  const pixels = new Float32Array(plan.rows * plan.columns);
  for (let t = 0; t < plan.timePoints; t++) {
    for (let z = 0; z < plan.slices; z++) {
      decodeSlot(plan, t, z, image, pixels, 0, options);
      onFrame(t, z, pixels);
    }
  }
  return planGeometry(plan);
}

/**
 * A 4D series (time x slice x row x column) in modality units from single-frame images in any order.
 * Synchronous: compressed images need their codec loaded first (`prepareDecoders(datasets)`, or use `load4D`).
 */
export function build4D(datasets: DicomDataset[], options: Build4DOptions = {}): Volume4D {
  return fill4D(plan4D(datasets, options), (i) => datasets[i], options);
}

/** `build4D` after loading the codecs the datasets need. */
export async function load4D(datasets: DicomDataset[], options: Build4DOptions = {}): Promise<Volume4D> {
  await prepareDecoders(datasets);
  return build4D(datasets, options);
}
