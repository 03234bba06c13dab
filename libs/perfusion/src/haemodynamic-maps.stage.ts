import type { GridGeometry } from './analysis-grid';
import type { TissueDeconvolution } from './deconvolution.stage';
import type { DenoisedCurves } from './denoise.stage';
import { amplitudeNoiseHu, matchFlowAndArrival } from './matched-flow.stage';
import { mttMap, smoothMaps } from './map-smoothing.stage';
import type { MapOptions } from './perfusion-options';
import { readResidues } from './residue-readout.stage';
import type { TruncationBias } from './truncation-bias';

export interface HaemodynamicMaps {
  /** on the analysis grid: mL/100 g/min, mL/100 g, s, s */
  cbf: Float32Array;
  cbv: Float32Array;
  mtt: Float32Array;
  tmax: Float32Array;
  /** brain tissue: the brain mask without voxels of a vessel's CBV */
  tissue: Uint8Array;
}

export interface HaemodynamicInputs {
  geometry: GridGeometry;
  brainMask: Uint8Array;
  /** native acquisition times, s, and the number of pre-contrast frames */
  timesSeconds: Float64Array;
  baselineFrames: number;
  denoised: DenoisedCurves;
  deconvolution: TissueDeconvolution;
  /** null: plain residue readout, no truncation correction */
  bias: TruncationBias | null;
}

/**
 * Stage 6: CBF, CBV, MTT and Tmax from the residues. Residues read (and corrected for truncation), then,
 * with bias tables and matchedAmplitude, flow and arrival by template matching; Tmax and CBF filtered
 * in-plane; MTT = CBV / CBF last.
 */
export function haemodynamicMaps(inputs: HaemodynamicInputs, options: MapOptions): HaemodynamicMaps {
  const { geometry, deconvolution, bias } = inputs;
  const readout = readResidues(deconvolution, inputs.brainMask, bias, options);
  let { cbf, cbv, tmax } = readout;
  if (bias && options.matchedAmplitude) {
    const noiseHu = amplitudeNoiseHu(
      inputs.denoised.curves,
      inputs.timesSeconds,
      inputs.brainMask,
      inputs.baselineFrames,
      deconvolution.grid.intervalSeconds,
      inputs.denoised.noiseHu,
    );
    ({ cbf, cbv, tmax } = matchFlowAndArrival(geometry, deconvolution, bias, readout, noiseHu, options));
  }
  ({ cbf, tmax } = smoothMaps(cbf, tmax, readout.tissue, geometry, options));
  return { cbf, cbv, mtt: mttMap(cbf, cbv, deconvolution.voxels), tmax, tissue: readout.tissue };
}
