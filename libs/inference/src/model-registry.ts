import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidModelManifestError, ModelChecksumError, ModelNotFoundError } from './inference.errors';
import { ModelManifest, modelManifestSchema } from './model-manifest';

export interface RegisteredModel {
  manifest: ModelManifest;
  directory: string;
  /** absolute path of the model file */
  path: string;
}

/**
 * The models under a directory (models/<id>/model.json + the file it names). Manifests are read and
 * validated when the registry is built; the model's SHA-256 is checked every time it is loaded.
 */
export class ModelRegistry {
  private readonly models = new Map<string, RegisteredModel>();

  constructor(readonly modelsDirectory: string) {
    if (!existsSync(modelsDirectory)) return;
    for (const entry of readdirSync(modelsDirectory).sort()) {
      const directory = join(modelsDirectory, entry);
      const manifestPath = join(directory, 'model.json');
      if (!statSync(directory).isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = ModelRegistry.readManifest(manifestPath);
      if (manifest.id !== entry) throw new InvalidModelManifestError(manifestPath, `id ${manifest.id} differs from its directory ${entry}`);
      this.models.set(manifest.id, { manifest, directory, path: join(directory, manifest.file) });
    }
  }

  static readManifest(path: string): ModelManifest {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new InvalidModelManifestError(path, `not JSON: ${(error as Error).message}`);
    }
    const parsed = modelManifestSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidModelManifestError(path, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    }
    return parsed.data;
  }

  list(): RegisteredModel[] {
    return [...this.models.values()];
  }

  get(id: string): RegisteredModel {
    const model = this.models.get(id);
    if (!model) throw new ModelNotFoundError(id, `no ${join(this.modelsDirectory, id, 'model.json')}`);
    return model;
  }

  /** The model's bytes, after checking them against the manifest's SHA-256. */
  load(id: string): { model: RegisteredModel; bytes: Uint8Array } {
    const model = this.get(id);
    if (!existsSync(model.path)) throw new ModelNotFoundError(id, `the manifest names ${model.path}, which is missing`);
    const bytes = readFileSync(model.path);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== model.manifest.sha256) throw new ModelChecksumError(id, model.manifest.sha256, actual);
    return { model, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  }
}
