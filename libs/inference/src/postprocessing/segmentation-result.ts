import { ModelInputError } from '../inference.errors';
import type { CodedConcept } from '../manifest/coded-concept.schema';
import { layoutAxes, type TensorLayout } from '../manifest/tensor-layout';
import type { SegmentationManifest } from '../model-manifest';
import type { AxisMap } from '../preprocessing/grid';
import type { SourceGeometry } from '../preprocessing/model-source';
import type { PreparedItem } from '../preprocessing/preprocess';
import { sigmoid, softmaxInPlace } from './activation';
import { removeSmallComponents } from './connected-components';
import { largestDiameterMm, volumeMl } from './mask-measurements';
import type { CheckedOutput } from './output-check';
import { mapToSource } from './source-mapping';

/** One class of a segmentation model on a series: its mask on the source voxels and what was measured. */
export interface SegmentFinding {
  key: string;
  index: number;
  code: CodedConcept;
  category: CodedConcept;
  colour: [number, number, number];
  /** 1 inside, index (z * rows + y) * columns + x over the source slices in slice order */
  mask: Uint8Array;
  voxels: number;
  present: boolean;
  /** connected components kept */
  components: number;
  /** the highest probability inside the mask, on the source voxels; null when empty or for labels outputs */
  maxProbability: number | null;
  volumeMl?: number;
  largestDiameterMm?: number;
}

/** Channel c of batch position b of an output, as a [d, h, w] array (d = 1 for 2D). */
function channelOf(output: CheckedOutput, layout: TensorLayout, b: number, c: number): { data: Float32Array; dims: [number, number, number] } {
  const axes = layoutAxes(layout);
  const spatial = axes.spatial.map((p) => output.dims[p]);
  const dims: [number, number, number] = spatial.length === 2 ? [1, spatial[0], spatial[1]] : [spatial[0], spatial[1], spatial[2]];
  const C = output.dims[axes.channel];
  const voxels = dims[0] * dims[1] * dims[2];
  const data = new Float32Array(voxels);
  const base = b * C * voxels;
  if (axes.channel === 1) data.set(output.data.subarray(base + c * voxels, base + (c + 1) * voxels));
  else for (let v = 0; v < voxels; v++) data[v] = output.data[base + v * C + c];
  return { data, dims };
}

/** The grid maps of an output whose spatial size differs from the input's (a model that up- or downsamples). */
function outputMaps(maps: readonly [AxisMap, AxisMap, AxisMap], inputDims: readonly number[], outputDims: readonly number[]): [AxisMap, AxisMap, AxisMap] {
  return maps.map((map, axis) => {
    const r = outputDims[axis] / inputDims[axis];
    return r === 1 ? map : { source: map.source, scale: map.scale * r, offset: (map.offset + 0.5) * r - 0.5 };
  }) as [AxisMap, AxisMap, AxisMap];
}

/**
 * Model outputs to masks on the source voxels: the activation in the model's grid (softmax over channels,
 * sigmoid per channel), probabilities mapped back through the inverse of the preprocessing geometry (linear;
 * labels outputs nearest), the decision there (argmax, or threshold), then components smaller than the
 * class's minimum removed and its measurements taken with the source voxel spacing.
 */
export function segmentationFindings(
  manifest: SegmentationManifest,
  prepared: readonly PreparedItem[],
  outputs: readonly CheckedOutput[],
  items: readonly (readonly number[])[],
  geometry: SourceGeometry,
): SegmentFinding[] {
  const o = manifest.output;
  const layout = o.layout ?? manifest.input.layout;
  const mode = o.activation === 'labels' ? 'labels' : (o.mask ?? (o.activation === 'softmax' ? 'argmax' : 'threshold'));
  const background = o.background ?? 0;
  const { rows, columns, slices } = geometry;
  const plane = rows * columns;
  const total = plane * slices;
  const masks = o.classes.map(() => new Uint8Array(total));
  const probabilities = mode === 'labels' ? undefined : o.classes.map(() => new Float32Array(total));

  outputs.forEach((output, r) => {
    const C = output.dims[layoutAxes(layout).channel];
    items[r].forEach((item, b) => {
      const { grid, slice } = prepared[item];
      const sourceDims: [number, number, number] = slice === undefined ? [slices, rows, columns] : [1, rows, columns];
      const offset = slice === undefined ? 0 : slice * plane;
      const channels = Array.from({ length: mode === 'labels' ? 1 : C }, (_, c) => channelOf(output, layout, b, c));
      const dims = channels[0].dims;
      const maps = outputMaps(grid.maps, grid.dims, dims);
      if (mode === 'labels') {
        const labels = mapToSource(channels[0].data, dims, maps, sourceDims, 'nearest', background);
        o.classes.forEach((cls, k) => {
          for (let v = 0; v < labels.length; v++) if (Math.round(labels[v]) === cls.index) masks[k][offset + v] = 1;
        });
        return;
      }
      if (o.activation === 'softmax') {
        const voxels = channels[0].data.length;
        const stacked = new Float32Array(C * voxels);
        channels.forEach((ch, c) => stacked.set(ch.data, c * voxels));
        for (let v = 0; v < voxels; v++) softmaxInPlace(stacked, v, C, voxels);
        channels.forEach((ch, c) => ch.data.set(stacked.subarray(c * voxels, (c + 1) * voxels)));
      } else if (o.activation === 'sigmoid') {
        for (const ch of channels) for (let v = 0; v < ch.data.length; v++) ch.data[v] = sigmoid(ch.data[v]);
      }
      if (mode === 'threshold') {
        o.classes.forEach((cls, k) => {
          const p = mapToSource(channels[cls.index].data, dims, maps, sourceDims, 'linear', 0);
          probabilities![k].set(p, offset);
          for (let v = 0; v < p.length; v++) if (p[v] >= o.threshold) masks[k][offset + v] = 1;
        });
        return;
      }
      // argmax over every channel, on the source voxels; outside the grid is background
      const mapped = channels.map((ch, c) => mapToSource(ch.data, dims, maps, sourceDims, 'linear', c === background ? 1 : 0));
      const classOfChannel = new Map(o.classes.map((cls, k) => [cls.index, k]));
      for (let v = 0; v < mapped[0].length; v++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (mapped[c][v] > mapped[best][v]) best = c;
        const k = classOfChannel.get(best);
        if (k !== undefined) masks[k][offset + v] = 1;
      }
      o.classes.forEach((cls, k) => probabilities![k].set(mapped[cls.index], offset));
    });
  });

  const dims: [number, number, number] = [slices, rows, columns];
  const spacing = geometry.spacingMm;
  const needSpacing = (what: string) => {
    if (!spacing) throw new ModelInputError(manifest.id, 'no-spacing', `${what} needs the voxel spacing, which the images do not give`);
    return spacing;
  };
  return o.classes.map((cls, k) => {
    let minVoxels = cls.minComponentVoxels ?? 0;
    if (cls.minComponentMl !== undefined && cls.minComponentMl > 0) {
      const s = needSpacing(`minComponentMl of class ${cls.key ?? cls.code.value}`);
      minVoxels = Math.max(minVoxels, Math.ceil((cls.minComponentMl * 1000) / (s[0] * s[1] * s[2]) - 1e-9));
    }
    const { mask, components, kept } = removeSmallComponents(masks[k], dims, o.connectivity, minVoxels);
    let voxels = 0;
    let maxProbability: number | null = null;
    for (let v = 0; v < mask.length; v++) {
      if (!mask[v]) continue;
      voxels++;
      if (probabilities) maxProbability = Math.max(maxProbability ?? 0, probabilities[k][v]);
    }
    const finding: SegmentFinding = {
      key: cls.key ?? cls.code.value,
      index: cls.index,
      code: cls.code,
      category: cls.category,
      colour: cls.colour,
      mask,
      voxels,
      present: voxels > 0,
      components: kept.length,
      maxProbability,
    };
    if (cls.measurements.includes('volumeMl')) finding.volumeMl = volumeMl(voxels, needSpacing('volumeMl'));
    if (cls.measurements.includes('largestDiameterMm')) {
      const s = needSpacing('largestDiameterMm');
      finding.largestDiameterMm = largestDiameterMm(components, kept, dims, [s[0], s[1]]);
    }
    return finding;
  });
}
