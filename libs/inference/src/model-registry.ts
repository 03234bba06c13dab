import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidModelManifestError, ModelChecksumError, ModelNotFoundError } from './inference.errors';
import { ModelManifest, parseModelManifest } from './model-manifest';

export interface RegisteredModel {
  manifest: ModelManifest;
  directory: string;
  /** absolute path of the model file */
  path: string;
}

/** The key of a model version's session: a new version opens a new session. */
export function sessionKey(manifest: Pick<ModelManifest, 'id' | 'version'>): string {
  return `${manifest.id}@${manifest.version}`;
}

/**
 * The models under a directory (models/<id>/model.json + the file it names). Manifests are read and
 * validated when the registry is built: an invalid one is kept aside with its reason (`invalid`), so that
 * start-up can name it while the other models still run. The model's SHA-256 is checked every time it is loaded.
 */
export class ModelRegistry {
  private readonly models = new Map<string, RegisteredModel>();
  private readonly rejected = new Map<string, InvalidModelManifestError>();

  constructor(readonly modelsDirectory: string) {
    if (!existsSync(modelsDirectory)) return;
    for (const entry of readdirSync(modelsDirectory).sort()) {
      const directory = join(modelsDirectory, entry);
      const manifestPath = join(directory, 'model.json');
      if (!statSync(directory).isDirectory() || !existsSync(manifestPath)) continue;
      try {
        const manifest = ModelRegistry.readManifest(manifestPath);
        if (manifest.id !== entry) throw new InvalidModelManifestError(manifestPath, `id ${manifest.id} differs from its directory ${entry}`);
        this.models.set(manifest.id, { manifest, directory, path: join(directory, manifest.file) });
      } catch (error) {
        if (!(error instanceof InvalidModelManifestError)) throw error;
        this.rejected.set(entry, error);
      }
    }
  }

  static readManifest(path: string): ModelManifest {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new InvalidModelManifestError(path, `not JSON: ${(error as Error).message}`);
    }
    const parsed = parseModelManifest(json);
    if (!parsed.success) throw new InvalidModelManifestError(path, parsed.problems.join('; '));
    return parsed.manifest;
  }

  list(): RegisteredModel[] {
    return [...this.models.values()];
  }

  /** Directories whose model.json is invalid, each with its error (which names the file and what is wrong). */
  invalid(): { id: string; error: InvalidModelManifestError }[] {
    return [...this.rejected].map(([id, error]) => ({ id, error }));
  }

  get(id: string): RegisteredModel {
    const model = this.models.get(id);
    if (model) return model;
    const rejected = this.rejected.get(id);
    if (rejected) throw rejected;
    throw new ModelNotFoundError(id, `no ${join(this.modelsDirectory, id, 'model.json')}`);
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
