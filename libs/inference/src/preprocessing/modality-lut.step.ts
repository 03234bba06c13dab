import { applyModalityLut, modalityValue, type ModalityLut } from '@nidus/imaging';
import type { Grid } from './grid';
import { slicesOf, type StepContext } from './step-context';

function lutRange(lut: ModalityLut, stored: [number, number]): [number, number] {
  if (lut.kind === 'table') {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < lut.table.entries; i++) {
      low = Math.min(low, lut.table.data[i]);
      high = Math.max(high, lut.table.data[i]);
    }
    return [low, high];
  }
  const a = modalityValue(lut, stored[0]);
  const b = modalityValue(lut, stored[1]);
  return [Math.min(a, b), Math.max(a, b)];
}

/** Stored values to modality values, each plane by its own slice's Modality LUT (PS3.3 C.11.1). First step only. */
export function applyModalityLutStep(grid: Grid, context: StepContext): Grid {
  const [d, h, w] = grid.dims;
  const plane = h * w;
  const data = new Float32Array(grid.data.length);
  let low = Infinity;
  let high = -Infinity;
  slicesOf(context, d).forEach((slice, z) => {
    const lut = context.source.modalityLuts[slice];
    for (let c = 0; c < grid.channels; c++) {
      const offset = (c * d + z) * plane;
      applyModalityLut(grid.data.subarray(offset, offset + plane), lut, data, offset);
    }
    const [a, b] = lutRange(lut, context.source.storedRange);
    low = Math.min(low, a);
    high = Math.max(high, b);
  });
  return { ...grid, data, range: [low, high] };
}
