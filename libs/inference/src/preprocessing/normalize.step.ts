import { ModelInputError } from '../inference.errors';
import type { NormalizeStep } from '../manifest/preprocessing-step.schema';
import type { Grid } from './grid';
import type { StepContext } from './step-context';

/**
 * Normalisation: constant (x - mean) / std, one value or one per channel; or a z-score whose mean and
 * population standard deviation are taken over the foreground (values above `foregroundAbove`, or all), with
 * a standard deviation of 0 taken as 1; with `nonzero`, the foreground is the voxels that are not 0. With
 * background 'zero', values outside the foreground become 0.
 */
export function applyNormalizeStep(grid: Grid, step: NormalizeStep, context: StepContext): Grid {
  const data = new Float32Array(grid.data.length);
  const perChannel = grid.data.length / grid.channels;
  if (step.mode === 'constant') {
    for (let c = 0; c < grid.channels; c++) {
      const mean = Array.isArray(step.mean) ? step.mean[c] : step.mean;
      const std = Array.isArray(step.std) ? step.std[c] : step.std;
      for (let i = c * perChannel; i < (c + 1) * perChannel; i++) data[i] = (grid.data[i] - mean) / std;
    }
    return { ...grid, data, range: undefined };
  }
  const threshold = step.foregroundAbove;
  const inForeground = step.nonzero ? (x: number) => x !== 0 : threshold === undefined ? () => true : (x: number) => x > threshold;
  let n = 0;
  let sum = 0;
  for (let i = 0; i < grid.data.length; i++) {
    const x = grid.data[i];
    if (inForeground(x)) {
      n++;
      sum += x;
    }
  }
  if (n === 0)
    throw new ModelInputError(
      context.modelId,
      'pixel-data',
      step.nonzero ? 'every voxel is 0: the z-score has no foreground' : `no voxel is above the z-score foreground threshold ${threshold}`,
    );
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < grid.data.length; i++) {
    const x = grid.data[i];
    if (inForeground(x)) squares += (x - mean) * (x - mean);
  }
  const std = Math.sqrt(squares / n) || 1;
  const zeroBackground = step.background === 'zero';
  for (let i = 0; i < grid.data.length; i++) {
    const x = grid.data[i];
    data[i] = zeroBackground && !inForeground(x) ? 0 : (x - mean) / std;
  }
  return { ...grid, data, range: undefined };
}
