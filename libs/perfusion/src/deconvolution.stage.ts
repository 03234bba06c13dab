import { circulantPseudoInverses } from './circulant-deconvolution';
import type { Deconvolver } from './deconvolver';
import type { DeconvolutionOptions } from './perfusion-options';
import { DeconvolutionError } from './perfusion.errors';
import { resampleCurve, uniformGrid, type UniformGrid } from './time-grid';

/** The uniform grid starts this long (s) before the first image with contrast: a short baseline. */
export const DECONVOLUTION_LEAD_SECONDS = 4;

export interface TissueDeconvolution {
  /** the uniform grid: N = grid.count samples every grid.intervalSeconds */
  grid: UniformGrid;
  /** padded length L = 2N of the circulant system */
  length: number;
  /** the AIF on the uniform grid (N samples) */
  arterial: Float64Array;
  thresholds: readonly number[];
  /** one truncated pseudo-inverse per threshold (see DeconvolutionRequest) */
  pseudoInverses: Float32Array;
  /** map index of each deconvolved voxel (the brain mask's voxels, in order): row k below is voxels[k] */
  voxels: Int32Array;
  /** zero-padded tissue curves, [V * L] */
  curves: Float32Array;
  /** the chosen residue per voxel, [V * L], 1/s */
  residues: Float32Array;
  /** the level chosen per voxel (0 = least regularised) */
  levels: Uint8Array;
}

/** The deconvolution's uniform grid: from 4 s before arrival, every `intervalSeconds` (null: the shortest sampling interval, within 0.5-1 s). */
export function deconvolutionGrid(times: Float64Array, arrivalIndex: number, intervalSeconds: number | null): UniformGrid {
  let minInterval = Infinity;
  for (let t = 1; t < times.length; t++) minInterval = Math.min(minInterval, times[t] - times[t - 1]);
  const interval = intervalSeconds ?? Math.min(1, Math.max(0.5, minInterval));
  return uniformGrid(times, times[arrivalIndex] - DECONVOLUTION_LEAD_SECONDS, interval);
}

/**
 * Stage 5: block-circulant deconvolution with Wu's oscillation index (oSVD, Wu et al. 2003). AIF and
 * tissue curves are resampled on a uniform grid, the AIF's truncated pseudo-inverses built for each
 * threshold, and the deconvolver picks per voxel the least regularised residue whose oscillation is below the limit.
 */
export async function deconvolveTissue(
  times: Float64Array,
  arrivalIndex: number,
  arterialCurve: Float64Array,
  tissueCurves: Float32Array,
  mask: Uint8Array,
  deconvolver: Deconvolver,
  options: DeconvolutionOptions,
): Promise<TissueDeconvolution> {
  const job = startDeconvolution(times, arrivalIndex, arterialCurve, mask, deconvolver, options);
  job.add(tissueCurves, mask.length);
  return job.finish();
}

/** A deconvolution fed in pieces: the voxels of the mask below `upTo` (in map order) as their curves become final. */
export interface DeconvolutionJob {
  /** hands the deconvolver the voxels not yet given whose map index is below upTo (their curves in `tissueCurves` are final) */
  add(tissueCurves: Float32Array, upTo: number): void;
  finish(): Promise<TissueDeconvolution>;
}

/** deconvolveTissue in pieces (see DeconvolutionJob), so that the deconvolver can run while later curves are still being made. */
export function startDeconvolution(
  times: Float64Array,
  arrivalIndex: number,
  arterialCurve: Float64Array,
  mask: Uint8Array,
  deconvolver: Deconvolver,
  options: DeconvolutionOptions,
): DeconvolutionJob {
  const T = times.length;
  const grid = deconvolutionGrid(times, arrivalIndex, options.intervalSeconds);
  const N = grid.count;
  const L = 2 * N;
  const arterial = new Float64Array(N);
  resampleCurve(arterialCurve, 0, times, grid, arterial, 0);
  const thresholds = options.svdThresholds;
  const { matrices } = circulantPseudoInverses(arterial, grid.intervalSeconds, thresholds);
  let V = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) V++;
  const voxels = new Int32Array(V);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) voxels[k++] = i;
  const curves = new Float32Array(V * L);
  const residues = new Float32Array(V * L);
  const levels = new Uint8Array(V);
  const pieces: Promise<void>[] = [];
  let given = 0;
  return {
    add(tissueCurves, upTo) {
      const from = given;
      while (given < V && voxels[given] < upTo) {
        resampleCurve(tissueCurves, voxels[given] * T, times, grid, curves, given * L);
        given++;
      }
      const count = given - from;
      if (count === 0) return;
      const piece = deconvolver
        .deconvolve({
          curves: curves.subarray(from * L, given * L),
          voxelCount: count,
          length: L,
          pseudoInverses: matrices,
          levels: thresholds.length,
          oscillationLimit: options.oscillationLimit,
        })
        .then((result) => {
          if (result.residues.length !== count * L || result.levels.length !== count) {
            throw new DeconvolutionError(`the deconvolver returned ${result.residues.length} residue values for ${count} voxels of ${L} samples`);
          }
          residues.set(result.residues, from * L);
          levels.set(result.levels, from);
        });
      piece.catch(() => undefined); // awaited (and its error thrown) in finish
      pieces.push(piece);
    },
    async finish() {
      if (given < V) throw new DeconvolutionError(`${V - given} of ${V} voxels were never given to the deconvolver`);
      await Promise.all(pieces);
      return { grid, length: L, arterial, thresholds, pseudoInverses: matrices, voxels, curves, residues, levels };
    },
  };
}
