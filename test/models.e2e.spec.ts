import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dciodvfy, PROJECT_ROOT, runNidus } from '@nidus/testing';

// `nidus models list | check | import` and `nidus analyze --model` as a user runs them: real processes on dist/,
// a models folder of their own (the demo models, one broken on purpose, one imported from a MONAI Bundle).
describe('nidus models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-models-cli-'));
  const models = join(dir, 'models');
  const env = { MODELS_DIR: models, DATA_DIR: join(dir, 'data'), REDIS_URL: 'redis://127.0.0.1:1' };
  beforeAll(() => {
    for (const id of ['demo-cxr-opacity', 'demo-ct-hyperdensity', 'ctp-deconvolution'])
      cpSync(join(PROJECT_ROOT, 'models', id), join(models, id), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'models', 'demo-cxr-opacity'), join(models, 'changed'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(models, 'changed', 'model.json'), 'utf8'));
    writeFileSync(join(models, 'changed', 'model.json'), JSON.stringify({ ...manifest, id: 'changed', sha256: '0'.repeat(64) }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('list: each model, installed or not and why', () => {
    const r = runNidus(['models', 'list', '--json'], env);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; state: string; problem: string | null }[];
    expect(rows.map((m) => [m.id, m.state])).toEqual([
      ['changed', 'not installed'],
      ['ctp-deconvolution', 'engine graph'],
      ['demo-ct-hyperdensity', 'installed'],
      ['demo-cxr-opacity', 'installed'],
    ]);
    expect(rows[0].problem).toMatch(/sha256 of the model file is [0-9a-f]{64}, the manifest says 0{64}/);
    expect(runNidus(['models', 'list'], env).stdout).toMatch(/demo-cxr-opacity\s+1\.0\.0\s+installed\s+classification, image, DX\/CR CHEST/);
  });

  it('check: manifest, checksum, load and a run of the declared shape with their times; a changed model fails at its checksum', () => {
    const ok = runNidus(['models', 'check', 'demo-ct-hyperdensity'], env);
    expect(ok.status).toBe(0);
    for (const step of ['manifest', 'checksum', 'load', 'run']) expect(ok.stdout).toMatch(new RegExp(`ok  ${step}\\s+\\d+ ms`));
    expect(ok.stdout).toMatch(/input \[1, 1, 256, 256\] -> logits \[1, 2, 256, 256\] float32/);
    const bad = runNidus(['models', 'check', 'changed'], env);
    expect(bad.status).toBe(4);
    expect(bad.stderr).toMatch(/^nidus: model changed: checksum failed: model changed: sha256 of the model file is/);
  });

  it('import: a MONAI Bundle becomes a model that checks and runs; without the codes it names what is missing and writes nothing', () => {
    const bundle = join(PROJECT_ROOT, 'fixtures', 'example-monai-bundle');
    const refused = runNidus(['models', 'import', bundle, '--id', 'lesion-bundle'], env);
    expect(refused.status).toBe(4);
    expect(refused.stderr).toMatch(/output channel 1 \(lesion\) has no code/);
    expect(readdirSync(models)).not.toContain('lesion-bundle');
    const r = runNidus(['models', 'import', bundle, '--id', 'lesion-bundle', '--code', 'lesion=DCM:110702:White Matter T2 Hyperintensity'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/imported lesion-bundle 0\.1\.0 to /);
    expect(readdirSync(join(models, 'lesion-bundle')).sort()).toEqual(['model.json', 'model.onnx']);
    expect(runNidus(['models', 'check', 'lesion-bundle'], env).status).toBe(0);
  });

  it('analyze --model: the model on files, the same output options as perfusion (--json, --out with SEG, SR and key image)', () => {
    const json = runNidus(['analyze', join(PROJECT_ROOT, 'fixtures', 'example-cxr'), '--model', 'demo-cxr-opacity', '--json'], env);
    expect(json.status).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ analysis: { id: 'demo-cxr-opacity' }, task: 'classification', findings: [{ key: 'opacity', present: true }] });
    const out = join(dir, 'out');
    const r = runNidus(['analyze', join(PROJECT_ROOT, 'fixtures', 'example-ct-head'), '--model', 'demo-ct-hyperdensity', '--out', out], env, 120_000);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Hemorrhage volume\s+\d+\.\d mL/);
    const files = readdirSync(join(out, 'demo-ct-hyperdensity'));
    expect(files.map((f) => f.split('-')[0]).sort()).toEqual(['result.json', 'sc', 'seg', 'sr']);
    for (const f of files.filter((f) => f.endsWith('.dcm'))) expect(dciodvfy(readFileSync(join(out, 'demo-ct-hyperdensity', f))).errors).toEqual([]);
    const wrong = runNidus(['analyze', join(PROJECT_ROOT, 'fixtures', 'example-cxr'), '--model', 'demo-ct-hyperdensity'], env);
    expect(wrong.status).toBe(4);
    expect(wrong.stderr).toMatch(/cannot take this input \(modality\): Modality DX is not CT/);
  });
});
