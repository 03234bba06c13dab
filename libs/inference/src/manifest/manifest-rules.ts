import type { FindingsManifest } from '../model-manifest';
import { layoutAxes, spatialRank } from './tensor-layout';

export interface RuleViolation {
  path: string;
  message: string;
}

/**
 * The rules across fields of a findings manifest that a JSON Schema cannot say: layout against what the model
 * consumes, sizes of geometric steps, step order, the tensor's fixed dimensions against the preprocessing, and
 * output indices. Each violation names the field it is about.
 */
export function manifestRuleViolations(m: FindingsManifest): RuleViolation[] {
  const out: RuleViolation[] = [];
  const fail = (path: string, message: string) => out.push({ path, message });
  const rank = m.consumes === 'volume' ? 3 : 2;
  if (spatialRank(m.input.layout) !== rank) {
    fail('input.layout', `${m.input.layout} does not fit consumes ${m.consumes}: use ${rank === 3 ? 'NCDHW or NDHWC' : 'NCHW or NHWC'}`);
    return out; // the rest depends on the rank
  }
  const axes = layoutAxes(m.input.layout);
  if (m.input.shape.length !== axes.rank) fail('input.shape', `has ${m.input.shape.length} dimensions, layout ${m.input.layout} has ${axes.rank}`);
  const batch = m.input.shape[axes.batch];
  if (m.consumes !== 'slices' && typeof batch === 'number' && batch !== 1)
    fail('input.shape', `batch dimension is ${batch}; consumes ${m.consumes} runs one item at a time`);

  let channels = 1;
  let sawModalityLut = false;
  let sawNormalize = false;
  let spatialSet: number[] | undefined;
  m.preprocessing.forEach((step, i) => {
    const path = `preprocessing.${i}`;
    switch (step.op) {
      case 'modalityLut':
        if (sawModalityLut) fail(path, 'modalityLut appears twice');
        if (i !== 0) fail(path, 'modalityLut must be the first step: each slice has its own Modality LUT');
        sawModalityLut = true;
        break;
      case 'window':
        if (!sawModalityLut) fail(path, 'window needs modalityLut before it: a VOI applies to modality values (PS3.3 C.11.2)');
        if (step.use === 'declared' && (step.center === undefined || step.width === undefined)) fail(path, "use 'declared' needs center and width");
        if ((step.center === undefined) !== (step.width === undefined)) fail(path, 'center and width go together');
        if ((step.function ?? 'LINEAR') === 'LINEAR' && step.width !== undefined && step.width < 1)
          fail(path, 'a LINEAR window needs width >= 1 (PS3.3 C.11.2.1.2.1)');
        if (step.range[0] >= step.range[1]) fail(path, 'range must rise');
        break;
      case 'invertMonochrome1':
        if (sawNormalize) fail(path, 'invertMonochrome1 must come before normalize (it inverts over a value range)');
        break;
      case 'scaleIntensity':
        if (step.from[0] === step.from[1]) fail(path, 'from is an empty range');
        break;
      case 'normalize':
        sawNormalize = true;
        if (step.mode === 'zscore' && step.nonzero && step.foregroundAbove !== undefined) fail(path, 'give nonzero or foregroundAbove, not both');
        if (step.mode === 'constant') {
          for (const [name, v] of [
            ['mean', step.mean],
            ['std', step.std],
          ] as const) {
            if (Array.isArray(v) && v.length !== channels) fail(path, `${name} has ${v.length} values, the image has ${channels} channel(s) here`);
          }
        }
        break;
      case 'resize':
        if (step.shape.length !== rank) fail(path, `shape needs ${rank} sizes for consumes ${m.consumes}`);
        else spatialSet = [...step.shape];
        break;
      case 'cropOrPad':
        if (step.shape.length !== rank) fail(path, `shape needs ${rank} sizes for consumes ${m.consumes}`);
        else if (!step.crop && !step.pad) fail(path, 'crop and pad are both false: the step would do nothing');
        else spatialSet = step.crop && step.pad ? [...step.shape] : undefined; // only cropping or only padding leaves sizes open
        break;
      case 'resample':
        if (step.spacingMm.length !== rank) fail(path, `spacingMm needs ${rank} values for consumes ${m.consumes}`);
        spatialSet = undefined; // the size now depends on the image
        break;
      case 'orient':
        if (m.consumes !== 'volume') fail(path, 'orient applies to volumes only');
        if (/^[RLAPSI]{3}$/.test(step.to)) {
          const pairs = [...step.to].map((c) => 'RLAPSI'.indexOf(c) >> 1);
          if (new Set(pairs).size !== 3) fail(path, `${step.to} names an axis twice: use one of R/L, one of A/P, one of S/I`);
        }
        if (spatialSet) spatialSet = undefined; // sizes after a reorientation are those of the reordered axes
        break;
      case 'channels':
        channels = step.count;
        break;
    }
  });

  const channelDim = m.input.shape[axes.channel];
  if (typeof channelDim === 'number' && channelDim !== channels) {
    fail('input.shape', `channel dimension is ${channelDim} but the preprocessing gives ${channels} (add or fix a channels step)`);
  }
  axes.spatial.forEach((position, k) => {
    const declared = m.input.shape[position];
    if (typeof declared !== 'number') return;
    if (!spatialSet)
      fail('input.shape', `dimension ${m.input.layout[position]} is fixed at ${declared}, but no resize or cropOrPad after the last resample/orient sets it`);
    else if (spatialSet[k] !== declared) fail('input.shape', `dimension ${m.input.layout[position]} is ${declared}, the preprocessing gives ${spatialSet[k]}`);
  });

  const a = m.appliesTo;
  if (a.minSlices !== undefined && a.maxSlices !== undefined && a.minSlices > a.maxSlices) fail('appliesTo', 'minSlices is above maxSlices');

  if (m.task === 'classification') {
    const o = m.output;
    const indices = o.labels.map((l, i) => l.index ?? i);
    if (new Set(indices).size !== indices.length) fail('output.labels', 'two labels have the same index');
    const last = o.tensor.shape[o.tensor.shape.length - 1];
    if (typeof last === 'number') {
      indices.forEach((index, i) => {
        if (index >= last) fail(`output.labels.${i}`, `index ${index} is outside the output's last dimension (${last})`);
      });
      if (o.activation === 'softmax' && o.labels.length > last) fail('output.labels', 'more labels than scores');
    }
    keysUnique(o.labels, 'output.labels', fail);
  } else {
    const o = m.output;
    const layout = o.layout ?? m.input.layout;
    if (spatialRank(layout) !== rank) fail('output.layout', `${layout} does not fit consumes ${m.consumes}`);
    else if (o.tensor.shape.length !== layout.length)
      fail('output.tensor.shape', `has ${o.tensor.shape.length} dimensions, layout ${layout} has ${layout.length}`);
    const indices = o.classes.map((c) => c.index);
    if (new Set(indices).size !== indices.length) fail('output.classes', 'two classes have the same index');
    const mask = o.mask ?? (o.activation === 'softmax' ? 'argmax' : 'threshold');
    if (o.activation === 'labels' && o.mask !== undefined) fail('output.mask', 'labels outputs are class values already: leave mask out');
    if (o.activation === 'softmax' && mask === 'threshold' && o.background !== undefined) fail('output.background', 'background is for argmax');
    if (o.activation === 'labels' || mask === 'argmax') {
      const background = o.background ?? 0;
      if (indices.includes(background)) fail('output.classes', `index ${background} is the background`);
    }
    const channelDimOut = spatialRank(layout) === rank && o.tensor.shape.length === layout.length ? o.tensor.shape[layoutAxes(layout).channel] : undefined;
    if (typeof channelDimOut === 'number') {
      if (o.activation === 'labels' && channelDimOut !== 1) fail('output.tensor.shape', 'a labels output has one channel');
      if (o.activation !== 'labels')
        indices.forEach((index, i) => {
          if (index >= channelDimOut) fail(`output.classes.${i}`, `index ${index} is outside the output's ${channelDimOut} channel(s)`);
        });
    }
    o.classes.forEach((c, i) => {
      if (m.consumes === 'image' && c.measurements.includes('volumeMl'))
        fail(`output.classes.${i}.measurements`, 'volumeMl needs a series (consumes slices or volume)');
      if (m.consumes === 'image' && c.minComponentMl !== undefined)
        fail(`output.classes.${i}.minComponentMl`, 'a single image has no volume: use minComponentVoxels');
    });
    keysUnique(o.classes, 'output.classes', fail);
  }
  return out;
}

function keysUnique(items: readonly { key?: string; code: { value: string } }[], path: string, fail: (path: string, message: string) => void): void {
  const keys = items.map((item) => item.key ?? item.code.value);
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) fail(path, `two entries have the key ${key} (give each a distinct key)`);
    seen.add(key);
  }
}
