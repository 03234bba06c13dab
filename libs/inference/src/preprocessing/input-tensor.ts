import { ModelInputError } from '../inference.errors';
import type { FindingsManifest } from '../model-manifest';
import { layoutAxes } from '../manifest/tensor-layout';
import type { PreparedItem } from './preprocess';

/** One run's input: the tensor as declared, which items it holds, and the values of the named dimensions. */
export interface InputBatch {
  name: string;
  data: Float32Array;
  dims: number[];
  /** indices into the prepared items; a fixed batch larger than the items left is filled by repeating the last */
  items: number[];
  /** values of the input's named (dynamic) dimensions in this run, e.g. { N: 8 } */
  symbols: Record<string, number>;
}

const DEFAULT_BATCH = 8;

/**
 * Packs prepared items into input tensors exactly as declared: the layout's order, fixed dimensions checked,
 * named ones recorded. Slices models run `runtime.batchSize` slices at a time when N is dynamic, N at a time
 * when it is fixed; image and volume models one item per run.
 */
export function inputBatches(manifest: FindingsManifest, items: readonly PreparedItem[]): InputBatch[] {
  const { input } = manifest;
  const axes = layoutAxes(input.layout);
  const declaredN = input.shape[axes.batch];
  const perRun = typeof declaredN === 'number' ? declaredN : manifest.consumes === 'slices' ? (manifest.runtime.batchSize ?? DEFAULT_BATCH) : 1;
  const batches: InputBatch[] = [];
  for (let start = 0; start < items.length; start += perRun) {
    const members = Array.from({ length: Math.min(perRun, items.length - start) }, (_, i) => start + i);
    const n = typeof declaredN === 'number' ? declaredN : members.length;
    const slots = Array.from({ length: n }, (_, i) => members[Math.min(i, members.length - 1)]);
    const first = items[slots[0]].grid;
    const spatial = first.dims.slice(3 - axes.spatial.length);
    const dims = new Array<number>(axes.rank);
    dims[axes.batch] = n;
    dims[axes.channel] = first.channels;
    axes.spatial.forEach((position, k) => (dims[position] = spatial[k]));
    const symbols: Record<string, number> = {};
    input.shape.forEach((declared, i) => {
      if (typeof declared === 'number') {
        if (declared !== dims[i]) {
          throw new ModelInputError(
            manifest.id,
            'shape',
            `the preprocessing gives ${input.layout}=[${dims.join(', ')}], the input is declared [${input.shape.join(', ')}]`,
          );
        }
      } else if (symbols[declared] !== undefined && symbols[declared] !== dims[i]) {
        throw new ModelInputError(manifest.id, 'shape', `dimension ${declared} takes two values (${symbols[declared]}, ${dims[i]})`);
      } else symbols[declared] = dims[i];
    });
    const per = first.data.length;
    const data = new Float32Array(n * per);
    const channelsLast = input.layout === 'NHWC' || input.layout === 'NDHWC';
    slots.forEach((index, b) => {
      const g = items[index].grid;
      if (g.data.length !== per || g.channels !== first.channels || g.dims.some((v, i) => v !== first.dims[i])) {
        throw new ModelInputError(manifest.id, 'shape', 'the items of one run differ in size after preprocessing');
      }
      if (!channelsLast) {
        data.set(g.data, b * per);
        return;
      }
      const C = g.channels;
      const voxels = per / C;
      const base = b * per;
      for (let c = 0; c < C; c++) for (let v = 0; v < voxels; v++) data[base + v * C + c] = g.data[c * voxels + v];
    });
    batches.push({ name: input.name, data, dims, items: members, symbols });
  }
  return batches;
}
