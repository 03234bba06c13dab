import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidModelManifestError, ModelChecksumError, ModelNotFoundError } from './inference.errors';
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
    expect(model.manifest.inputs.map((i) => i.name)).toEqual(['curves', 'pseudo_inverses', 'oscillation_limit']);
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

  it('rejects manifests without a checksum or whose id differs from the directory', () => {
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'other'), { recursive: true });
    expect(() => new ModelRegistry(dir)).toThrow(/differs from its directory/);
    rmSync(join(dir, 'other'), { recursive: true });
    cpSync(join(MODELS, 'ctp-deconvolution'), join(dir, 'ctp-deconvolution'), { recursive: true });
    writeFileSync(
      join(dir, 'ctp-deconvolution', 'model.json'),
      JSON.stringify({ id: 'ctp-deconvolution', version: '1', description: 'x', inputs: [], outputs: [] }),
    );
    expect(() => new ModelRegistry(dir)).toThrow(InvalidModelManifestError);
  });
});
