import { ModelInputError } from '../inference.errors';
import type { CodedConcept } from '../manifest/coded-concept.schema';
import { layoutAxes, type TensorLayout } from '../manifest/tensor-layout';
import type { SegmentationManifest } from '../model-manifest';
import type { SegmentationClass } from '../manifest/model-output.schema';
import type { AxisMap } from '../preprocessing/grid';
import type { SourceGeometry } from '../preprocessing/model-source';
import type { PreparedItem } from '../preprocessing/preprocess';
import { sigmoidInBox, sigmoidInPlace, softmaxChannels } from './activation';
import { removeSmallComponents, type Box } from './connected-components';

const EMPTY_BOX: Box = { z0: 0, z1: 0, y0: 0, y1: 0, x0: 0, x1: 0 };
import { largestDiameterMm, volumeMl } from './mask-measurements';
import type { CheckedOutput } from './output-check';
import { gridBoxAtLeast, mapToSource, regionAtLeast, sourceRegionOf, type SourceRegion } from './source-mapping';

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
  // the box of source voxels each class may have painted, so that the component search looks only there
  const painted: (Box | undefined)[] = o.classes.map(() => undefined);
  // the probability of each class where its mask is set (allocated on the first such voxel)
  // the probabilities each class was painted with: per painted region, its first source voxel, row length and values
  const painting: { start: number; region: SourceRegion; p: Float32Array }[][] = o.classes.map(() => []);

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
      // write a mapped region of this item into class k's mask where `wins` holds
      const paint = (k: number, region: SourceRegion, p: Float32Array, wins: (v: number) => boolean) => {
        const [[z0r, z1r], [y0, y1], [x0, x1]] = region;
        const z0 = z0r + (slice ?? 0);
        const z1 = z1r + (slice ?? 0);
        const box = painted[k];
        painted[k] = box
          ? {
              z0: Math.min(box.z0, z0),
              z1: Math.max(box.z1, z1),
              y0: Math.min(box.y0, y0),
              y1: Math.max(box.y1, y1),
              x0: Math.min(box.x0, x0),
              x1: Math.max(box.x1, x1),
            }
          : { z0, z1, y0, y1, x0, x1 };
        const bw = x1 - x0;
        const bh = y1 - y0;
        const mask = masks[k];
        let any = false;
        for (let z = z0r; z < z1r; z++)
          for (let y = y0; y < y1; y++) {
            const from = ((z - z0r) * bh + (y - y0)) * bw;
            const to = offset + (z * rows + y) * columns + x0;
            for (let x = 0; x < bw; x++) {
              if (!wins(from + x)) continue;
              mask[to + x] = 1;
              any = true;
            }
          }
        if (any) painting[k].push({ start: offset, region, p });
      };
      if (o.activation === 'softmax' && mode === 'argmax' && C === 2 && o.classes.length === 1) {
        // two channels, one class: it wins where its logit exceeds the other's (probability above one half);
        // only there, and one grid voxel around, is its probability needed
        const cls = o.classes[0];
        const mine = channels[cls.index].data;
        const other = channels[1 - cls.index].data;
        const margin = new Float32Array(mine.length);
        for (let v = 0; v < mine.length; v++) margin[v] = mine[v] - other[v];
        const box = gridBoxAtLeast(margin, dims, 0);
        if (!box) return;
        sigmoidInBox(margin, dims, box);
        const region = sourceRegionOf(box, maps, sourceDims);
        const p = mapToSource(margin, dims, maps, sourceDims, 'linear', 0, region);
        const winsTies = cls.index === 0;
        paint(0, region, p, (v) => p[v] > 0.5 || (winsTies && p[v] === 0.5));
        return;
      }
      if (o.activation === 'softmax') softmaxChannels(channels.map((ch) => ch.data));
      else if (o.activation === 'sigmoid') for (const ch of channels) sigmoidInPlace(ch.data);
      if (mode === 'threshold') {
        o.classes.forEach((cls, k) => {
          // only source voxels near a grid value at or above the threshold can reach it
          const region = regionAtLeast(channels[cls.index].data, dims, maps, sourceDims, o.threshold);
          if (!region) return;
          const p = mapToSource(channels[cls.index].data, dims, maps, sourceDims, 'linear', 0, region);
          paint(k, region, p, (v) => p[v] >= o.threshold);
        });
        return;
      }
      // argmax over every channel, on the source voxels; outside the grid is background. A class can win a voxel
      // only where its probability is at least 1 / C (softmax, or any probabilities summing to 1), and only near
      // grid voxels where it is: the mapping is limited to those.
      const candidates = o.classes
        .map((cls, k) => ({ cls, k, region: regionAtLeast(channels[cls.index].data, dims, maps, sourceDims, 1 / C) }))
        .filter((c): c is { cls: SegmentationClass; k: number; region: SourceRegion } => c.region !== undefined);
      if (candidates.length === 0) return;
      if (C === 2) {
        // two channels: the class wins where its probability exceeds one half (ties go to channel 0)
        const { cls, k, region } = candidates[0];
        const p = mapToSource(channels[cls.index].data, dims, maps, sourceDims, 'linear', 0, region);
        const winsTies = cls.index === 0;
        paint(k, region, p, (v) => p[v] > 0.5 || (winsTies && p[v] === 0.5));
        return;
      }
      const region = candidates.reduce(
        (r, c) => r.map(([a, b], s) => [Math.min(a, c.region[s][0]), Math.max(b, c.region[s][1])]) as SourceRegion,
        candidates[0].region,
      );
      const mapped = channels.map((ch, c) => mapToSource(ch.data, dims, maps, sourceDims, 'linear', c === background ? 1 : 0, region));
      const best = new Int32Array(mapped[0].length);
      for (let v = 0; v < best.length; v++) {
        let b = 0;
        for (let c = 1; c < C; c++) if (mapped[c][v] > mapped[b][v]) b = c;
        best[v] = b;
      }
      for (const { cls, k } of candidates) paint(k, region, mapped[cls.index], (v) => best[v] === cls.index);
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
    const { mask, components, kept } = removeSmallComponents(
      masks[k],
      dims,
      o.connectivity,
      minVoxels,
      mode === 'labels' ? undefined : (painted[k] ?? EMPTY_BOX),
    );
    let voxels = 0;
    for (const label of kept) voxels += components.sizes[label];
    let maxProbability: number | null = null;
    if (mode !== 'labels' && voxels > 0) {
      maxProbability = 0;
      for (const { start, region, p } of painting[k]) {
        const [[z0, z1], [y0, y1], [x0, x1]] = region;
        let i = 0;
        for (let z = z0; z < z1; z++)
          for (let y = y0; y < y1; y++)
            for (let x = x0; x < x1; x++, i++) if (mask[start + (z * rows + y) * columns + x] && p[i] > maxProbability) maxProbability = p[i];
      }
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
      finding.largestDiameterMm = largestDiameterMm(components, kept, [s[0], s[1]]);
    }
    return finding;
  });
}
