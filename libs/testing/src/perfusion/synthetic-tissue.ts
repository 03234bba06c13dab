// Shared by the stage specs: noise-free (or seeded-noise) tissue curves of known CBF, MTT and delay,
// made from the phantom's fine-grid tracer kinetics (not the analysis's discrete model), deconvolved
// by the reference MatrixDeconvolver. Not part of the library's exports.
import {
  deconvolveTissue,
  DEFAULT_PERFUSION_OPTIONS,
  MatrixDeconvolver,
  type DeconvolutionOptions,
  type GridGeometry,
  type TissueDeconvolution,
} from '@nidus/perfusion';
import { DEFAULT_ARTERIAL_INPUT, SeededRandom, TracerKinetics, tissueScale, uniformSamplingTimes, type ResidueShape } from '../phantom';

export interface SyntheticVoxel {
  /** mL/100 g/min, s, s (delay = true Tmax) */
  cbf: number;
  mtt: number;
  delay: number;
  shape?: ResidueShape;
}

export interface SyntheticTissue {
  geometry: GridGeometry;
  times: Float64Array;
  arrivalIndex: number;
  baselineFrames: number;
  /** the true AIF at the native times, HU */
  arterial: Float64Array;
  /** native tissue curves, voxel-major [V * T], HU */
  curves: Float32Array;
  mask: Uint8Array;
  deconvolution: TissueDeconvolution;
}

/**
 * One slice of columns x (voxels / columns) pixels of 2 mm, one voxel per entry, all in the mask; times
 * every `interval` s for `count` images; arrival = the first image at or after the AIF's arrival (7 s).
 */
export async function syntheticTissue(
  voxels: SyntheticVoxel[],
  columns: number,
  options: { count?: number; interval?: number; noiseHu?: number; seed?: number; deconvolution?: Partial<DeconvolutionOptions> } = {},
): Promise<SyntheticTissue> {
  const times = Float64Array.from(uniformSamplingTimes(options.count ?? 50, options.interval ?? 1));
  const kinetics = new TracerKinetics(DEFAULT_ARTERIAL_INPUT, Array.from(times));
  const arterial = kinetics.arterialAtTimes();
  const T = times.length;
  const curves = new Float32Array(voxels.length * T);
  const random = new SeededRandom(options.seed ?? 1);
  voxels.forEach((v, k) => {
    const unit = kinetics.unitTissueCurve(v.shape ?? 'exponential', v.mtt, v.delay);
    for (let t = 0; t < T; t++) curves[k * T + t] = unit[t] * tissueScale(v.cbf) + (options.noiseHu ?? 0) * random.gaussian();
  });
  const arrivalIndex = times.findIndex((t) => t >= DEFAULT_ARTERIAL_INPUT.arrivalSeconds);
  const mask = new Uint8Array(voxels.length).fill(1);
  const deconvolution = await deconvolveTissue(times, arrivalIndex, arterial, curves, mask, new MatrixDeconvolver(), {
    ...DEFAULT_PERFUSION_OPTIONS.deconvolution,
    ...options.deconvolution,
  });
  const rows = voxels.length / columns;
  const geometry: GridGeometry = { columns, rows, slices: 1, spacingMm: [2, 2, 5], voxelVolumeMl: 0.02 };
  return { geometry, times, arrivalIndex, baselineFrames: arrivalIndex, arterial, curves, mask, deconvolution };
}
