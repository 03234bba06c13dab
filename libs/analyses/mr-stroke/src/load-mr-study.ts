import { readFileSync } from 'node:fs';
import { frameDatasets, readPart10, type DicomDataset } from '@nidus/dicom';
import { NotDiffusionSeriesError, type DiffusionInput } from '@nidus/diffusion';
import { fill4D, loadVolume, plan4D, prepareDecoders, readHeader, sliceNormal, type Volume3D, type Volume4D } from '@nidus/imaging';
import { NotPerfusionSeriesError } from '@nidus/perfusion';
import { mrHeaderFacts } from './recognition/mr-header-facts';
import { recogniseMrSeries, type MrSeriesRole } from './recognition/mr-series-role';
import type { PlacedGrid } from './register-core';

export interface MrStudySeries {
  SeriesInstanceUID: string;
  role: MrSeriesRole | null;
  /** why recognition gave this role (or "route" when a route named it) */
  reason: string;
  SeriesDescription: string | null;
  FrameOfReferenceUID: string | null;
  /** the files, one per instance */
  paths: string[];
  /** one per image: each file's, or each frame's of an enhanced multi-frame file (PS3.3 C.7.6.16) */
  headers: DicomDataset[];
  /** where each header's image is: its file, and its frame in an enhanced file */
  images: MrImageRef[];
}

export interface MrImageRef {
  path: string;
  /** 0-based frame of an enhanced multi-frame image; undefined for a single-frame file */
  frame?: number;
}

export interface LoadedDiffusion {
  input: DiffusionInput;
  grid: PlacedGrid;
  series: MrStudySeries[];
  warnings: string[];
}

export interface LoadedPerfusion {
  volume: Volume4D;
  /** s */
  echoTimeSeconds: number;
  series: MrStudySeries;
}

/** The series of the files with their roles: recognised from the headers, unless `roles` names one (a route's override). */
export function recogniseStudySeries(paths: readonly string[], roles: Readonly<Record<string, MrSeriesRole | undefined>> = {}): MrStudySeries[] {
  const bySeries = new Map<string, { paths: string[]; headers: DicomDataset[]; images: MrImageRef[] }>();
  for (const path of paths) {
    const header = readHeader(path);
    const uid = header.string('SeriesInstanceUID') ?? '';
    const entry = bySeries.get(uid) ?? { paths: [], headers: [], images: [] };
    entry.paths.push(path);
    const frames = frameDatasets(header);
    frames.forEach((frame, k) => {
      entry.headers.push(frame);
      entry.images.push(frames.length > 1 || frame !== header ? { path, frame: k } : { path });
    });
    bySeries.set(uid, entry);
  }
  return [...bySeries.entries()].map(([SeriesInstanceUID, { paths: files, headers, images }]) => {
    const given = roles[SeriesInstanceUID];
    const recognised = recogniseMrSeries(headers.map(mrHeaderFacts));
    return {
      SeriesInstanceUID,
      role: given ?? recognised.role,
      reason: given ? `named ${given} by its route` : recognised.reason,
      SeriesDescription: headers[0].string('SeriesDescription') ?? null,
      FrameOfReferenceUID: headers[0].string('FrameOfReferenceUID') ?? null,
      paths: files,
      headers,
      images,
    };
  });
}

/** Reads images with their pixels, each file once: a classic file's dataset, or the frame of an enhanced one. */
export function imageReader(): (image: MrImageRef) => DicomDataset {
  const files = new Map<string, DicomDataset[]>();
  return ({ path, frame }) => {
    let frames = files.get(path);
    if (!frames) {
      const ds = readPart10(readFileSync(path));
      frames = frame === undefined ? [ds] : frameDatasets(ds);
      files.set(path, frames);
    }
    return frames[frame ?? 0];
  };
}

function placed(volume: Volume3D): PlacedGrid {
  const n = sliceNormal(volume.ImageOrientationPatient);
  return {
    columns: volume.columns,
    rows: volume.rows,
    slices: volume.slices,
    spacingMm: volume.spacingMm,
    ImageOrientationPatient: volume.ImageOrientationPatient,
    ImagePositionPatient: Array.from(
      { length: volume.slices },
      (_, z) => [0, 1, 2].map((k) => volume.origin[k] + n[k] * z * volume.spacingMm[2]) as [number, number, number],
    ),
  };
}

function sameGrid(a: Volume3D, b: Volume3D): boolean {
  return a.columns === b.columns && a.rows === b.rows && a.slices === b.slices && a.origin.every((v, i) => Math.abs(v - b.origin[i]) < 0.01);
}

/**
 * The diffusion input of the study: the b = 0 and the highest-b trace images of its diffusion series (one series, or
 * a split acquisition's two), else its ADC map (stored in 10^-6 mm^2/s, as scanners write it). Volumes are built by
 * slice position (PS3.3 C.7.6.2) from each b-value's images.
 */
export async function loadDiffusion(series: readonly MrStudySeries[]): Promise<LoadedDiffusion | null> {
  const diffusion = series.filter((s) => s.role === 'diffusion');
  const adcSeries = series.find((s) => s.role === 'adc');
  const warnings: string[] = [];
  if (diffusion.length > 0) {
    const byB = new Map<number, MrImageRef[]>();
    for (const s of diffusion)
      s.headers.forEach((h, i) => {
        const b = mrHeaderFacts(h).bValue;
        if (b === undefined) return;
        byB.set(b, [...(byB.get(b) ?? []), s.images[i]]);
      });
    const bValues = [...byB.keys()].sort((a, b) => a - b);
    const low = bValues[0];
    const high = bValues[bValues.length - 1];
    if (bValues.length >= 2 && low <= 50 && high >= 500) {
      const read = imageReader();
      const b0Files = byB.get(low)!.map(read);
      const bFiles = byB.get(high)!.map(read);
      await prepareDecoders([...b0Files, ...bFiles]);
      const b0 = await loadVolume(b0Files);
      const weighted = await loadVolume(bFiles);
      if (!sameGrid(b0, weighted)) throw new NotDiffusionSeriesError('the b = 0 and diffusion-weighted images are not on one grid');
      return {
        input: { ...b0, b0: b0.data, weighted: { bValue: high, data: weighted.data }, adc: null },
        grid: placed(b0),
        series: diffusion,
        warnings,
      };
    }
    if (!adcSeries) throw new NotDiffusionSeriesError(`diffusion b-values ${bValues.join(', ')} s/mm^2: a b = 0 and a b >= 500 image per slice are needed`);
    warnings.push(`diffusion b-values ${bValues.join(', ')}: the scanner ADC map is used`);
  }
  if (!adcSeries) return null;
  const files = adcSeries.images.map(imageReader());
  await prepareDecoders(files);
  const adc = await loadVolume(files);
  const scaled = adc.data.map((v) => v * 1e-6);
  return { input: { ...adc, b0: null, weighted: null, adc: scaled }, grid: placed(adc), series: [adcSeries], warnings };
}

/** The DSC series as a 4D volume (time points by acquisition time or TemporalPositionIdentifier), with its EchoTime. */
export async function loadPerfusion(series: readonly MrStudySeries[]): Promise<LoadedPerfusion | null> {
  const candidates = series.filter((s) => s.role === 'perfusion').sort((a, b) => b.paths.length - a.paths.length);
  const dsc = candidates[0];
  if (!dsc) return null;
  // EchoTime (0018,0081) of a classic image; EffectiveEchoTime (0018,9082) of an enhanced image's MR Echo macro (C.8.13.5.2)
  const echo = dsc.headers[0].number('EchoTime') ?? dsc.headers[0].number('EffectiveEchoTime');
  if (echo === undefined || !(echo > 0)) throw new NotPerfusionSeriesError('the DSC series has no EchoTime: Delta R2* needs it');
  await prepareDecoders(dsc.headers);
  let plan;
  try {
    plan = plan4D(dsc.headers);
  } catch (error) {
    throw new NotPerfusionSeriesError(`the DSC images do not form a 4D series: ${(error as Error).message}`);
  }
  const read = imageReader();
  const volume = fill4D(plan, (k) => read(dsc.images[k]));
  return { volume, echoTimeSeconds: echo / 1000, series: dsc };
}
