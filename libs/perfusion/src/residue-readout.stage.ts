import type { TissueDeconvolution } from './deconvolution.stage';
import type { MapOptions } from './perfusion-options';
import { CBF_SCALE, CBV_SCALE, negativeLagCount, residueArrival, residuePeak } from './residue-maps';
import { correctTruncation, type TruncationBias } from './truncation-bias';

/** above this CBV (mL/100 g) a voxel is a vessel, not tissue */
export const MAX_TISSUE_CBV = 10;

export interface ArterialArea {
  /** area of the whole AIF on the uniform grid (sum of its samples) */
  total: number;
  /** area of the AIF up to (end - delay): what a tissue curve delayed by `delay` s holds within the series */
  forDelay(delaySeconds: number): number;
}

/**
 * Area of the AIF up to a time: a tissue curve delayed by Tmax holds, within the series, only what the AIF
 * delivered until (end - Tmax); dividing by the whole AIF area would read late tissue's CBV low.
 */
export function arterialArea(arterial: Float64Array, intervalSeconds: number): ArterialArea {
  const N = arterial.length;
  const cumulative = new Float64Array(N + 1);
  for (let j = 0; j < N; j++) cumulative[j + 1] = cumulative[j] + arterial[j];
  return {
    total: cumulative[N],
    forDelay: (delay: number) => {
      const x = Math.min(N, Math.max(1, N - Math.max(0, delay) / intervalSeconds));
      const i = Math.floor(x);
      return i >= N ? cumulative[N] : cumulative[i] + (x - i) * (cumulative[i + 1] - cumulative[i]);
    },
  };
}

export interface ResidueReadout {
  /** maps on the analysis grid: mL/100 g/min, mL/100 g, s */
  cbf: Float32Array;
  cbv: Float32Array;
  tmax: Float32Array;
  /** the brain mask without voxels whose CBV is a vessel's (> MAX_TISSUE_CBV) */
  tissue: Uint8Array;
  /** per deconvolved voxel k: area of its tissue curve, tissue over AIF area, and MTT of the corrected residue (0 without correction) */
  tissueAreas: Float32Array;
  areaRatios: Float32Array;
  mtts: Float32Array;
}

/**
 * Stage 6b: CBF and Tmax read from each residue, CBV as tissue area over AIF area (Ostergaard 1996).
 * Plain oSVD ('naive') reads the residue's peak height and arg max; otherwise its steepest rise, and with
 * bias tables both are corrected for the truncation, the AIF area taken up to the corrected arrival.
 */
export function readResidues(
  deconvolution: TissueDeconvolution,
  brainMask: Uint8Array,
  bias: TruncationBias | null,
  options: Pick<MapOptions, 'estimator'>,
): ResidueReadout {
  const { voxels, residues, curves, levels, length: L } = deconvolution;
  const N = deconvolution.grid.count;
  const interval = deconvolution.grid.intervalSeconds;
  const n = brainMask.length;
  const V = voxels.length;
  const cbf = new Float32Array(n);
  const cbv = new Float32Array(n);
  const tmax = new Float32Array(n);
  const tissue = Uint8Array.from(brainMask);
  const tissueAreas = new Float32Array(V);
  const areaRatios = new Float32Array(V);
  const mtts = new Float32Array(V);
  const aif = arterialArea(deconvolution.arterial, interval);
  const negativeLags = negativeLagCount(interval);
  const naive = options.estimator === 'naive';
  for (let k = 0; k < V; k++) {
    const voxel = voxels[k];
    const peak = naive ? residuePeak(residues, k * L, L, N, negativeLags, interval) : residueArrival(residues, k * L, L, N, negativeLags, interval);
    let area = 0;
    for (let j = 0; j < N; j++) area += curves[k * L + j];
    tissueAreas[k] = area;
    let areaRatio = area / aif.total;
    if (bias) {
      let corrected = correctTruncation(bias, levels[k], peak.height, peak.time, areaRatio);
      areaRatio = area / aif.forDelay(corrected.tmax);
      corrected = correctTruncation(bias, levels[k], peak.height, peak.time, areaRatio);
      cbf[voxel] = corrected.flow * CBF_SCALE;
      tmax[voxel] = corrected.tmax;
      mtts[k] = corrected.mtt;
    } else {
      cbf[voxel] = Math.max(0, peak.height * CBF_SCALE);
      tmax[voxel] = peak.time;
    }
    areaRatios[k] = areaRatio;
    cbv[voxel] = Math.max(0, areaRatio * CBV_SCALE);
    if (cbv[voxel] > MAX_TISSUE_CBV) tissue[voxel] = 0;
  }
  return { cbf, cbv, tmax, tissue, tissueAreas, areaRatios, mtts };
}
