import type { ScaleIntensityStep } from '../manifest/preprocessing-step.schema';
import type { Grid } from './grid';

/** (x - a) / (b - a) * (d - c) + c, clipped to [c, d] (either order) when `clip`. */
export function applyScaleIntensityStep(grid: Grid, step: ScaleIntensityStep): Grid {
  const [a, b] = step.from;
  const [c, d] = step.to;
  const slope = (d - c) / (b - a);
  const low = Math.min(c, d);
  const high = Math.max(c, d);
  const data = new Float32Array(grid.data.length);
  for (let i = 0; i < data.length; i++) {
    const y = (grid.data[i] - a) * slope + c;
    data[i] = step.clip ? (y < low ? low : y > high ? high : y) : y;
  }
  let range: [number, number] | undefined = [low, high];
  if (!step.clip)
    range = grid.range ? ([(grid.range[0] - a) * slope + c, (grid.range[1] - a) * slope + c].sort((x, y) => x - y) as [number, number]) : undefined;
  return { ...grid, data, range };
}
