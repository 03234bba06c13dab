import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidModelManifestError, ModelChecksumError, ModelNotFoundError } from './inference.errors';
import { isFindingsManifest, type EngineManifest } from './model-manifest';
import { ModelRegistry } from './model-registry';

const MODELS = resolve(__dirname, '../../../models');

describe(ModelRegistry.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-models-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the committed ctp-deconvolution model and loads it with a matching sha256', () => {
    const registry = new ModelRegistry(MODELS);
    expect(registry.list().map((m) => m.manifest.id)).toContain('ctp-deconvolution');
    const { model, bytes } = registry.load('ctp-deconvolution');
    expect(isFindingsManifest(model.manifest)).toBe(false);
    expect((model.manifest as EngineManifest).inputs.map((i) => i.name)).toEqual(['curves', 'pseudo_inverses', 'oscillation_limit']);
    expect(bytes.length).toBeGreaterThan(500);
  });

  it('refuses a model file that differs from its manifest', () => {
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'ctp-deconvolution'), { recursive: true });
    const path = join(dir, 'ctp-deconvolution', 'model.onnx');
    writeFileSync(path, Buffer.concat([Buffer.from(require('node:fs').readFileSync(path)), Buffer.from([0])]));
    expect(() => new ModelRegistry(dir).load('ctp-deconvolution')).toThrow(ModelChecksumError);
  });

  it('names missing models and missing files', () => {
    expect(() => new ModelRegistry(dir).get('ctp-deconvolution')).toThrow(ModelNotFoundError);
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'ctp-deconvolution'), { recursive: true });
    rmSync(join(dir, 'ctp-deconvolution', 'model.onnx'));
    expect(() => new ModelRegistry(dir).load('ctp-deconvolution')).toThrow(ModelNotFoundError);
  });

  it('keeps invalid manifests aside with their reason, and still serves the others', () => {
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'other'), { recursive: true });
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'ctp-deconvolution'), { recursive: true });
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'model.json'), JSON.stringify({ id: 'broken', version: '1', description: 'x', inputs: [], outputs: [] }));
    mkdirSync(join(dir, 'not-json'));
    writeFileSync(join(dir, 'not-json', 'model.json'), '{');
    const registry = new ModelRegistry(dir);
    expect(registry.list().map((m) => m.manifest.id)).toEqual(['ctp-deconvolution']);
    const invalid = Object.fromEntries(registry.invalid().map((i) => [i.id, i.error.message]));
    expect(invalid.other).toMatch(/id ctp-deconvolution differs from its directory other/);
    expect(invalid.broken).toMatch(/sha256/);
    expect(invalid.broken).toMatch(/inputs/);
    expect(invalid['not-json']).toMatch(/not JSON/);
    expect(() => registry.get('broken')).toThrow(InvalidModelManifestError);
    expect(registry.load('ctp-deconvolution').bytes.length).toBeGreaterThan(500);
  });
});
