import { applyVoiLut, InvalidLutError, type Voi, type Window } from '@nidus/imaging';
import { ModelInputError } from '../inference.errors';
import type { WindowStep } from '../manifest/preprocessing-step.schema';
import type { Grid } from './grid';
import { slicesOf, type StepContext } from './step-context';

/** The VOI a window step uses for a slice: the declared window, or the image's own with the declared one as fallback. */
export function windowFor(step: WindowStep, context: StepContext, slice: number): Voi {
  const declared: Window | undefined =
    step.center !== undefined && step.width !== undefined ? { center: step.center, width: step.width, function: step.function ?? 'LINEAR' } : undefined;
  if (step.use === 'image') {
    const own = context.source.vois[slice];
    if (own) return 'table' in own || step.function === undefined ? own : { ...own, function: step.function };
    if (declared) return declared;
    throw new ModelInputError(
      context.modelId,
      'no-window',
      'the image has no WindowCenter/WindowWidth or VOI LUT, and the manifest declares no fallback window',
    );
  }
  return declared!;
}

/**
 * A VOI window onto the declared range (PS3.3 C.11.2.1.2 and C.11.2.1.3): 2D items use their slice's
 * window; a volume uses the window of its middle slice for every plane, so the whole volume shares one map.
 */
export function applyWindowStep(grid: Grid, step: WindowStep, context: StepContext): Grid {
  const [d, h, w] = grid.dims;
  const plane = h * w;
  const range = { yMin: step.range[0], yMax: step.range[1] };
  const slices = slicesOf(context, d);
  const shared = context.slice === undefined ? windowFor(step, context, Math.floor((context.source.geometry.slices - 1) / 2)) : undefined;
  const data = new Float32Array(grid.data.length);
  for (let z = 0; z < d; z++) {
    const voi = shared ?? windowFor(step, context, slices[z]);
    for (let c = 0; c < grid.channels; c++) {
      const offset = (c * d + z) * plane;
      try {
        applyVoiLut(grid.data.subarray(offset, offset + plane), voi, range, data, offset);
      } catch (error) {
        if (!(error instanceof InvalidLutError)) throw error;
        throw new ModelInputError(context.modelId, 'no-window', `the window cannot be applied: ${error.message}`);
      }
    }
  }
  return { ...grid, data, range: [step.range[0], step.range[1]] };
}
