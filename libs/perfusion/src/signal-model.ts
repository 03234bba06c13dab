import type { AnalysisGrid } from './analysis-grid';
import type { HeadGeometry } from './head-geometry';
import { findHeadGeometry } from './head-geometry';
import { measureConcentration, type Concentration } from './concentration.stage';

/**
 * How a modality's images become what the rest of the engine works on: the signal-to-concentration step
 * (stage 2), the skull-enclosed space found on the baseline image, and which of it is parenchyma. Everything after
 * (vessels, denoising, deconvolution, maps, lesions) is the same for every modality.
 */
export interface SignalModel {
  readonly name: string;
  /** the motion stage registers on bone (> 200 HU): true for CT; MR DSC images show no bone to register on */
  readonly registersOnBone?: boolean;
  /** stage 2: bolus arrival, baseline image (model's units), concentration curves, voxel-major; skullEdge kept out after motion correction */
  concentration(grid: AnalysisGrid, skullEdge?: Uint8Array | null): Concentration;
  /** the intracranial space and the sides of the midline, from the baseline image */
  head(grid: AnalysisGrid, baseline: Float32Array): HeadGeometry;
  /** parenchyma on the baseline image, before vessels are removed; absent: the CT HU window (brain-mask.ts) */
  parenchyma?(grid: AnalysisGrid, head: HeadGeometry, baseline: Float32Array): Uint8Array;
}

/** CT: enhancement in HU is linear in iodine concentration; bone (> 150 HU) encloses the head. */
export const CT_SIGNAL_MODEL: SignalModel = {
  name: 'ct-hu',
  registersOnBone: true,
  concentration: measureConcentration,
  head: (grid, baseline) => findHeadGeometry(grid, baseline),
};
