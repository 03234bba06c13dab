import { readFileSync } from 'node:fs';
import { readPart10, type DicomDataset } from '@nidus/dicom';
import {
  dropTimePoints,
  fill4D,
  plan4D,
  planGeometry,
  prepareDecoders,
  readHeader,
  stream4D,
  type Geometry4D,
  type UnreadableImage,
  type Volume4D,
} from '@nidus/imaging';
import {
  analyzePerfusion,
  dropGridTimePoints,
  NotPerfusionSeriesError,
  resolvePerfusionOptions,
  startGrid,
  type AnalysisGrid,
  type AnalyzePerfusionOptions,
  type Deconvolver,
  type PerfusionResult,
  type PerfusionStage,
} from '@nidus/perfusion';

export interface CtpSeriesIdentity {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  PatientID?: string;
  PatientName?: string;
  AccessionNumber?: string;
  StudyDescription?: string;
  SeriesDescription?: string;
  Modality?: string;
  /** images used, and the source image at [time point][slice] */
  instances: number;
  SOPInstanceUIDs: string[][];
}

export interface AnalyzeCtpFilesOptions {
  /** the perfusion deconvolution engine (OnnxDeconvolver from @nidus/inference in production) */
  deconvolver: Deconvolver;
  /** when the paths hold several series, the one to analyse (default: the one with the most images) */
  SeriesInstanceUID?: string;
  perfusion?: Omit<AnalyzePerfusionOptions, 'onProgress'>;
  onProgress?: (stage: 'load' | 'decode' | PerfusionStage, fraction: number) => void;
  /** keep the 4D volume in the answer (for rendering); default false */
  keepVolume?: boolean;
  /** keep the full-resolution images of the first time point analysed, as `anatomy` (the results draw them under the maps) */
  keepAnatomy?: boolean;
}

/** A series' geometry with the pixels of its first time point only: index (z * rows + y) * columns + x. */
export type CtpAnatomy = Geometry4D & { data: Float32Array };

export interface AnalyzeCtpFilesResult {
  result: PerfusionResult;
  series: CtpSeriesIdentity;
  /** seconds per stage: load (headers and file reads), decode, then the perfusion stages */
  timings: Record<string, number>;
  warnings: string[];
  volume?: Volume4D;
  anatomy?: CtpAnatomy;
}

/**
 * Reads a CT perfusion series from Part 10 files, builds the 4D volume (slices by ImagePositionPatient,
 * time points by acquisition time) and runs the perfusion analysis. Headers are read first; each file is
 * then read, decoded and dropped, so only one file's bytes are held at a time. Its pixels go into their slot
 * of the 4D volume (keepVolume), or else straight into the block average of the analysis grid.
 */
export async function analyzeCtpFiles(paths: string[], options: AnalyzeCtpFilesOptions): Promise<AnalyzeCtpFilesResult> {
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  if (paths.length === 0) throw new NotPerfusionSeriesError('no files given');
  options.onProgress?.('load', 0);
  let clock = performance.now();
  const headers = paths.map((path) => readHeader(path));
  timings.loadHeaders = (performance.now() - clock) / 1000;

  // One series: the requested one, or the largest.
  const bySeries = new Map<string, number[]>();
  headers.forEach((header, i) => {
    const uid = header.string('SeriesInstanceUID') ?? '';
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), i]);
  });
  let chosen: string;
  if (options.SeriesInstanceUID !== undefined) {
    if (!bySeries.has(options.SeriesInstanceUID)) {
      throw new NotPerfusionSeriesError(`series ${options.SeriesInstanceUID} is not among the ${paths.length} files`);
    }
    chosen = options.SeriesInstanceUID;
  } else {
    chosen = [...bySeries.entries()].sort((a, b) => b[1].length - a[1].length)[0][0];
    if (bySeries.size > 1) warnings.push(`${bySeries.size} series among the files: analysed ${chosen} (${bySeries.get(chosen)!.length} images)`);
  }
  const indices = bySeries.get(chosen)!;
  const seriesHeaders = indices.map((i) => headers[i]);
  const first = seriesHeaders[0];
  const modality = first.string('Modality');
  if (modality !== 'CT') throw new NotPerfusionSeriesError(`modality ${modality ?? '(none)'}: CT perfusion needs a CT series`);

  await prepareDecoders(seriesHeaders);
  let plan;
  try {
    plan = plan4D(seriesHeaders);
  } catch (error) {
    throw new NotPerfusionSeriesError(`the images do not form a 4D series: ${(error as Error).message}`);
  }
  if (plan.timePoints < 2) throw new NotPerfusionSeriesError(`one time point per slice position (${plan.slices} slices): not a perfusion series`);

  options.onProgress?.('decode', 0.05);
  let readSeconds = 0;
  clock = performance.now();
  const unreadable: UnreadableImage[] = [];
  const read = (k: number) => {
    const start = performance.now();
    const ds: DicomDataset = readPart10(readFileSync(paths[indices[k]]));
    readSeconds += (performance.now() - start) / 1000;
    return ds;
  };
  const onUnreadable = (image: UnreadableImage) => unreadable.push(image);
  // Without keepVolume each frame is block-averaged into the analysis grid as it is decoded (the binning
  // is the only reader of the full-resolution pixels), so the 4D volume is never whole in memory.
  let input: Volume4D | AnalysisGrid;
  let volume: Volume4D | undefined;
  let anatomy: CtpAnatomy | undefined;
  if (options.keepVolume) {
    volume = leaveOutUnreadable(fill4D(plan, read, { onUnreadable }), unreadable, warnings, dropTimePoints);
    input = volume;
  } else {
    const builder = startGrid(planGeometry(plan), resolvePerfusionOptions(options.perfusion).grid);
    // the anatomy is the first time point without an unreadable image: the first one kept
    const frame = plan.rows * plan.columns;
    const anatomyData = options.keepAnatomy ? new Float32Array(plan.slices * frame) : undefined;
    let anatomyT = 0;
    const onFrame = (t: number, z: number, pixels: Float32Array) => {
      builder.addFrame(t, z, pixels);
      if (anatomyData && t === anatomyT) anatomyData.set(pixels, z * frame);
    };
    stream4D(plan, read, onFrame, {
      onUnreadable: (image) => {
        onUnreadable(image);
        if (image.t === anatomyT) anatomyT++;
      },
    });
    const grid = leaveOutUnreadable(builder.grid(), unreadable, warnings, dropGridTimePoints);
    // (a series with every time point unreadable was refused just above)
    if (anatomyData) anatomy = { ...grid.source, data: anatomyData };
    input = grid;
  }
  const layout: Geometry4D = 'hu' in input ? input.source : input;
  const fillSeconds = (performance.now() - clock) / 1000;
  timings.load = timings.loadHeaders + readSeconds;
  timings.decode = fillSeconds - readSeconds;
  delete timings.loadHeaders;

  const result = await analyzePerfusion(input, options.deconvolver, {
    ...options.perfusion,
    onProgress: (stage, fraction) => options.onProgress?.(stage, 0.1 + 0.9 * fraction),
  });
  for (const [stage, seconds] of Object.entries(result.timings)) timings[stage] = seconds;
  return {
    result,
    series: {
      StudyInstanceUID: first.string('StudyInstanceUID') ?? '',
      SeriesInstanceUID: chosen,
      PatientID: first.string('PatientID'),
      PatientName: first.string('PatientName'),
      AccessionNumber: first.string('AccessionNumber'),
      StudyDescription: first.string('StudyDescription'),
      SeriesDescription: first.string('SeriesDescription'),
      Modality: modality,
      instances: layout.timePoints * layout.slices,
      SOPInstanceUIDs: layout.SOPInstanceUIDs,
    },
    timings,
    warnings: [...warnings, ...result.summary.warnings],
    volume,
    anatomy,
  };
}

/** At most this share of the time points may be left out for unreadable images (at least one). */
export const MAX_TIME_POINTS_LEFT_OUT = 0.1;

/**
 * A time point with an image that cannot be read is left out, and said so: the deconvolution takes non-uniform
 * sampling, so the curve keeps its shape with one sample fewer. More than MAX_TIME_POINTS_LEFT_OUT of them, and
 * the series is refused with the first image's error, as before.
 */
function leaveOutUnreadable<V extends { timePoints: number; timesSeconds: Float64Array }>(
  volume: V,
  unreadable: UnreadableImage[],
  warnings: string[],
  drop: (volume: V, times: ReadonlySet<number>) => V,
): V {
  if (unreadable.length === 0) return volume;
  const times = new Set(unreadable.map((u) => u.t));
  const allowed = Math.max(1, Math.floor(volume.timePoints * MAX_TIME_POINTS_LEFT_OUT));
  if (times.size > allowed || volume.timePoints - times.size < 2) throw unreadable[0].error;
  for (const t of [...times].sort((a, b) => a - b)) {
    const images = unreadable.filter((u) => u.t === t);
    warnings.push(
      `time point ${t + 1} (${volume.timesSeconds[t].toFixed(1)} s) left out: ` +
        images.map((u) => `image ${u.SOPInstanceUID} (slice ${u.z + 1}) unusable: ${u.error.message}`).join('; '),
    );
  }
  return drop(volume, times);
}
