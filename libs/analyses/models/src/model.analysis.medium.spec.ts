import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnalysisRegistry, ANALYSIS_RESULT_JSON_SCHEMA, resultValue } from '@nidus/analysis';
import { readPart10 } from '@nidus/dicom';
import { InferenceEngine } from '@nidus/inference';
import { dciodvfy, dsrdump, readSegmentation } from '@nidus/testing';
import Ajv2020 from 'ajv/dist/2020';
import { ModelAnalysis } from './model.analysis';
import { modelAnalyses } from './model-analyses.provider';
import type { ModelAnalysisResult } from './model-result';

// Each demo model of models/ as an analysis, built by the provider from its manifest alone, run on its example
// fixture (real onnxruntime, real files), its SEG, SR and key image checked by dciodvfy and read back.

const ROOT = resolve(__dirname, '../../../..');
const files = (name: string) =>
  readdirSync(join(ROOT, 'fixtures', name))
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => join(ROOT, 'fixtures', name, f));

describe(ModelAnalysis.name, () => {
  const inference = new InferenceEngine(join(ROOT, 'models'), { intraOpNumThreads: 1 });
  const registry = AnalysisRegistry.build([modelAnalyses], { nidusVersion: 'test', inference });
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(ANALYSIS_RESULT_JSON_SCHEMA);
  afterAll(() => inference.close());

  it('installs one analysis per findings model, each with its manifest as its default route, and leaves engine graphs out', () => {
    expect(registry.ids().sort()).toEqual(['demo-ct-hyperdensity', 'demo-cxr-opacity', 'demo-mr-lesion']);
    expect(registry.problems).toEqual([]);
    const cxr = registry.get('demo-cxr-opacity');
    expect(cxr.defaultRoutes).toEqual([
      expect.objectContaining({ analysis: 'demo-cxr-opacity', priority: 'routine', match: expect.objectContaining({ Modality: ['DX', 'CR'], BodyPartExamined: ['CHEST'], maxTimePoints: 1 }) }),
    ]);
    expect(cxr.model).toEqual({ id: 'demo-cxr-opacity', version: '1.0.0', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses, with the typed reason, a series its appliesTo does not name or a perfusion series', () => {
    const ct = registry.get('demo-ct-hyperdensity');
    const summary = { StudyInstanceUID: '1', SeriesInstanceUID: '2', Modality: 'CT', BodyPartExamined: 'HEAD', ImageType: [], instanceCount: 3, slices: 3, timePoints: 1 };
    expect(ct.accepts(summary)).toEqual({ accepted: false, reason: expect.stringMatching(/cannot take this input \(too-few-slices\): 3 slice\(s\)/) });
    expect(ct.accepts({ ...summary, Modality: 'MR', slices: 24 })).toEqual({ accepted: false, reason: expect.stringMatching(/\(modality\): Modality MR is not CT/) });
    expect(ct.accepts({ ...summary, slices: 24, timePoints: 10, instanceCount: 240 }).accepted).toBe(false);
    expect(ct.accepts({ ...summary, slices: 24, instanceCount: 24 })).toEqual({ accepted: true });
  });

  const cases: [string, string, string][] = [
    ['demo-cxr-opacity', 'example-cxr', 'opacity'],
    ['demo-ct-hyperdensity', 'example-ct-head', 'hyperdensity'],
    ['demo-mr-lesion', 'example-mr-brain', 'lesion'],
  ];
  it.each(cases)('%s on %s: result in the common shape, SEG on the source slices, SR with the same numbers, key image; dciodvfy finds no error', async (id, fixture, key) => {
    const analysis = registry.get(id);
    const paths = files(fixture);
    const first = readPart10(readFileSync(paths[0]));
    const run = await analysis.run({
      StudyInstanceUID: first.string('StudyInstanceUID')!,
      series: [{ SeriesInstanceUID: first.string('SeriesInstanceUID')!, paths }],
      uidSeed: `test-${id}`,
    });
    const result = run.result as ModelAnalysisResult;
    expect(validate(JSON.parse(JSON.stringify(result)))).toBe(true);
    expect(resultValue(result, ['findings', key, 'present'])).toBe(true);
    expect(result.model).toEqual(analysis.model);
    const objects = await run.buildObjects();
    expect(objects.map((o) => o.kind)).toEqual(result.task === 'segmentation' ? ['seg', 'sr', 'sc'] : ['sr', 'sc']);
    for (const o of objects) expect({ kind: o.kind, errors: dciodvfy(o.bytes).errors }).toEqual({ kind: o.kind, errors: [] });
    const sc = objects.find((o) => o.kind === 'sc')!;
    expect(result.keyImage?.SOPInstanceUID).toBe(sc.SOPInstanceUID);
    expect(analysis.view(result).keyImage).toEqual({ SOPInstanceUID: sc.SOPInstanceUID, svg: expect.stringContaining('NOT FOR DIAGNOSTIC USE') });
    expect(readPart10(sc.bytes).string('ImageComments')).toMatch(new RegExp(`present, probability ${result.findings[0].probability!.toFixed(2)}`));

    // the SR says what the JSON says: present, the probability, and each measurement with its UCUM unit
    const sr = dsrdump(objects.find((o) => o.kind === 'sr')!.bytes).stdout;
    const finding = result.findings[0];
    expect(sr).toContain(`CODE:(,,"${finding.code.CodeMeaning}")=(52101004,SCT,"Present")`);
    expect(sr).toContain(`<has properties NUM:(,,"Probability of finding")="${finding.probability}" (1,UCUM,"no units")>`);
    for (const m of result.measurements) expect(sr).toContain(`NUM:(,,"${m.code.CodeMeaning}")="${m.value}" (${m.unit.CodeValue},UCUM,`);

    if (result.task === 'segmentation') {
      // the SEG read back independently: every frame on a source slice, as many voxels as the result says
      const datasets = paths.map((p) => readPart10(readFileSync(p)));
      const [segment] = readSegmentation(objects.find((o) => o.kind === 'seg')!.bytes, {
        rows: first.number('Rows')!,
        columns: first.number('Columns')!,
        ImagePositionPatient: datasets.map((ds) => ds.numbers('ImagePositionPatient')),
      });
      expect(segment.mask.reduce((n, v) => n + v, 0)).toBe(result.masks[0].voxels);
      expect(result.masks[0].voxels).toBeGreaterThan(0);
    }
  });

  it('an invalid manifest, a missing model file and a changed model each keep only that model out, named with what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nidus-models-install-'));
    try {
      for (const id of ['demo-cxr-opacity', 'demo-ct-hyperdensity', 'demo-mr-lesion']) cpSync(join(ROOT, 'models', id), join(dir, id), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, 'demo-ct-hyperdensity', 'model.json'), 'utf8'));
      writeFileSync(join(dir, 'demo-ct-hyperdensity', 'model.json'), JSON.stringify({ ...manifest, consumes: 'voxels' }));
      writeFileSync(join(dir, 'demo-mr-lesion', 'model.onnx'), Buffer.concat([readFileSync(join(dir, 'demo-mr-lesion', 'model.onnx')), Buffer.from([0])]));
      cpSync(join(dir, 'demo-cxr-opacity'), join(dir, 'cxr-copy'), { recursive: true });
      const copy = JSON.parse(readFileSync(join(dir, 'cxr-copy', 'model.json'), 'utf8'));
      writeFileSync(join(dir, 'cxr-copy', 'model.json'), JSON.stringify({ ...copy, id: 'cxr-copy', file: 'absent.onnx' }));
      const engine = new InferenceEngine(dir);
      const built = AnalysisRegistry.build([modelAnalyses], { nidusVersion: 'test', inference: engine });
      expect(built.ids()).toEqual(['demo-cxr-opacity']);
      expect(built.problems).toEqual([
        { id: 'demo-ct-hyperdensity', reason: expect.stringMatching(/invalid model manifest .*demo-ct-hyperdensity.*model\.json: consumes: /) },
        { id: 'cxr-copy', reason: expect.stringMatching(/model cxr-copy not found: the manifest names .*absent\.onnx, which is missing/) },
        { id: 'demo-mr-lesion', reason: expect.stringMatching(/model demo-mr-lesion: sha256 of the model file is [0-9a-f]{64}, the manifest says/) },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
