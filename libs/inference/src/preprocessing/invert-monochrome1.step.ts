import type { Grid } from './grid';
import type { StepContext } from './step-context';

/**
 * MONOCHROME1 (minimum shows white, PS3.3 C.7.6.3.1.2) turned into MONOCHROME2: x -> low + high - x over the
 * current value range (the stored range, the modality LUT's output, or the window's range). MONOCHROME2 images
 * pass unchanged.
 */
export function applyInvertMonochrome1Step(grid: Grid, context: StepContext): Grid {
  if (context.source.header.PhotometricInterpretation !== 'MONOCHROME1') return grid;
  const [low, high] = grid.range ?? context.source.storedRange;
  const sum = low + high;
  const data = new Float32Array(grid.data.length);
  for (let i = 0; i < data.length; i++) data[i] = sum - grid.data[i];
  return { ...grid, data, range: [low, high] };
}
