import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseModelManifest } from './model-manifest';

const MODELS = resolve(__dirname, '../../../models');
const demo = (id: string) => JSON.parse(readFileSync(join(MODELS, id, 'model.json'), 'utf8'));

function problems(json: unknown): string[] {
  const parsed = parseModelManifest(json);
  return parsed.success ? [] : parsed.problems;
}

/** A copy of a demo manifest with a change made by `edit`. */
function edited(id: string, edit: (m: any) => void): unknown {
  const m = demo(id);
  edit(m);
  return m;
}

describe(parseModelManifest.name, () => {
  it('accepts the shipped manifests, the perfusion engine graph included', () => {
    for (const id of ['ctp-deconvolution', 'demo-cxr-opacity', 'demo-ct-hyperdensity', 'demo-mr-lesion'])
      expect({ id, problems: problems(demo(id)) }).toEqual({ id, problems: [] });
    const engine = demo('ctp-deconvolution');
    delete engine.task;
    expect(problems(engine)).toEqual([]);
  });

  it('fills the defaults a manifest may leave out', () => {
    const parsed = parseModelManifest(edited('demo-ct-hyperdensity', (m) => (delete m.file, delete m.runtime, delete m.output.classes[0].category)));
    if (!parsed.success || parsed.manifest.task !== 'segmentation') throw new Error('expected a segmentation manifest');
    expect(parsed.manifest.file).toBe('model.onnx');
    expect(parsed.manifest.runtime).toEqual({});
    expect(parsed.manifest.output.classes[0].category).toEqual({ scheme: 'SCT', value: '49755003', meaning: 'Morphologically Abnormal Structure' });
  });

  it.each([
    ['an unknown task', (m: any) => (m.task = 'regression'), /task: "regression" is not one of classification, segmentation, engine/],
    ['the reserved detection task', (m: any) => (m.task = 'detection'), /task: detection is reserved/],
    ['an unknown step', (m: any) => m.preprocessing.push({ op: 'blur' }), /preprocessing.3.op: unknown preprocessing op/],
    ['a code meaning over 64 characters', (m: any) => (m.output.classes[0].code.meaning = 'x'.repeat(65)), /output.classes.0.code.meaning/],
    ['an unknown coding scheme', (m: any) => (m.output.classes[0].code.scheme = 'ICD10'), /output.classes.0.code.scheme/],
    ['an unknown field', (m: any) => (m.colour = 'red'), /Unrecognized key/],
    ['a bad checksum', (m: any) => (m.sha256 = 'abc'), /sha256: 64 lower-case hex digits/],
    ['a layout that does not fit what it consumes', (m: any) => (m.input.layout = 'NCDHW'), /input.layout: NCDHW does not fit consumes slices/],
    ['a window before the modality LUT', (m: any) => m.preprocessing.reverse(), /window needs modalityLut before it/],
    [
      'a modality LUT after another step',
      (m: any) => (m.preprocessing = [m.preprocessing[2], m.preprocessing[0], m.preprocessing[1]]),
      /modalityLut must be the first step/,
    ],
    ['a declared window without its width', (m: any) => delete m.preprocessing[1].width, /center and width go together/],
    ['a resize of the wrong rank', (m: any) => (m.preprocessing[2].shape = [256, 256, 4]), /preprocessing.2: shape needs 2 sizes/],
    ['a fixed input size the preprocessing does not give', (m: any) => (m.input.shape[2] = 512), /dimension H is 512, the preprocessing gives 256/],
    ['a fixed input size and no resize', (m: any) => m.preprocessing.pop(), /dimension H is fixed at 256, but no resize or cropOrPad/],
    ['a channel count the preprocessing does not give', (m: any) => (m.input.shape[1] = 3), /channel dimension is 3 but the preprocessing gives 1/],
    ['orient on slices', (m: any) => m.preprocessing.push({ op: 'orient', to: 'RAS' }), /orient applies to volumes only/],
    ['a class on the background channel', (m: any) => (m.output.classes[0].index = 0), /index 0 is the background/],
    ['a class index outside the channels', (m: any) => (m.output.classes[0].index = 2), /index 2 is outside the output's 2 channel/],
    ['two classes with one key', (m: any) => m.output.classes.push({ ...m.output.classes[0], index: 2 }), /two entries have the key hyperdensity/],
    ['minSlices above maxSlices', (m: any) => (m.appliesTo.maxSlices = 2), /minSlices is above maxSlices/],
  ])('names the field and the reason for %s', (_, edit, message) => {
    expect(problems(edited('demo-ct-hyperdensity', edit)).join('\n')).toMatch(message);
  });

  it('checks volumes and images by their own rules', () => {
    expect(problems(edited('demo-mr-lesion', (m) => (m.preprocessing[1].to = 'RRS'))).join()).toMatch(/RRS names an axis twice/);
    expect(problems(edited('demo-mr-lesion', (m) => (m.preprocessing[3].shape = [112, 112])))).toContainEqual(
      expect.stringMatching(/shape needs 3 sizes for consumes volume/),
    );
    expect(problems(edited('demo-mr-lesion', (m) => (m.input.shape[0] = 2))).join()).toMatch(/batch dimension is 2; consumes volume runs one item at a time/);
    expect(problems(edited('demo-cxr-opacity', (m) => (m.output.labels[0].index = 1))).join()).toMatch(/index 1 is outside the output's last dimension \(1\)/);
    expect(
      problems(
        edited('demo-cxr-opacity', (m) => {
          m.task = 'segmentation';
          m.output = {
            tensor: { name: 'y', shape: [1, 1, 256, 256] },
            activation: 'sigmoid',
            classes: [{ index: 0, code: m.output.labels[0].code, colour: [1, 2, 3], measurements: ['volumeMl'] }],
          };
        }),
      ).join(),
    ).toMatch(/volumeMl needs a series/);
  });
});
