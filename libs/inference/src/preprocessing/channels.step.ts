import type { ChannelsStep } from '../manifest/preprocessing-step.schema';
import type { Grid } from './grid';

/** Grey to N channels: the single channel repeated. */
export function applyChannelsStep(grid: Grid, step: ChannelsStep): Grid {
  if (step.count === grid.channels) return grid;
  const per = grid.data.length / grid.channels;
  const data = new Float32Array(per * step.count);
  for (let c = 0; c < step.count; c++) data.set(grid.data.subarray(0, per), c * per);
  return { ...grid, data, channels: step.count };
}
