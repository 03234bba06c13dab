import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { openAnalyses } from '@nidus/analyses';
import { loadConfig, nidusVersion } from '@nidus/config';
import {
  checkOutput,
  importMonaiBundle,
  InferenceError,
  InferenceRunError,
  isFindingsManifest,
  layoutAxes,
  modelManifestJsonSchema,
  ModelRegistry,
  sessionKey,
  type CodedConcept,
  type FindingsManifest,
} from '@nidus/inference';

/** A model that fails its check, or an import that cannot be done: one line, exit 4. */
export class ModelCommandError extends Error {
  override name = 'ModelCommandError';
}

type Env = Record<string, string | undefined>;

/** `nidus models list`: every model of MODELS_DIR, whether it is installed, and if not, why. */
export async function listModels(options: { json?: boolean }, env: Env): Promise<void> {
  const config = loadConfig(env);
  const installed = openAnalyses({ nidusVersion: nidusVersion(), modelsDir: config.modelsDir, uidRoot: config.uidRoot, inference: config.inference });
  try {
    const problems = new Map(installed.registry.problems.map((p) => [p.id, p.reason]));
    const rows = [
      ...installed.inference.models.list().map(({ manifest }) => ({
        id: manifest.id,
        version: manifest.version,
        task: manifest.task ?? 'engine',
        consumes: isFindingsManifest(manifest) ? manifest.consumes : null,
        appliesTo: isFindingsManifest(manifest) ? manifest.appliesTo : null,
        state: problems.has(manifest.id) ? 'not installed' : isFindingsManifest(manifest) ? 'installed' : 'engine graph',
        problem: problems.get(manifest.id) ?? null,
      })),
      ...installed.inference.models
        .invalid()
        .map(({ id, error }) => ({ id, version: null, task: null, consumes: null, appliesTo: null, state: 'not installed', problem: error.message })),
    ].sort((a, b) => a.id.localeCompare(b.id));
    if (options.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return;
    }
    process.stdout.write(`models in ${config.modelsDir}\n`);
    for (const r of rows) {
      const what = r.appliesTo
        ? `${r.task}, ${r.consumes}, ${r.appliesTo.Modality.join('/')}${r.appliesTo.BodyPartExamined ? ` ${r.appliesTo.BodyPartExamined.join('/')}` : ''}`
        : (r.task ?? '');
      process.stdout.write(`  ${r.id.padEnd(24)} ${(r.version ?? '').padEnd(8)} ${r.state.padEnd(14)} ${what}\n`);
      if (r.problem) process.stdout.write(`    ${r.problem}\n`);
    }
  } finally {
    await installed.close();
  }
}

/** The schema without zod's `id` names of its definitions (an annotation Ajv 8 refuses; `$defs` keys carry them too). */
function withoutIdAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIdAnnotations);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, withoutIdAnnotations(v)]),
  );
}

/** The size of a named dimension when the check makes an input: the last resize or crop/pad's, else 64. */
function spatialSizes(manifest: FindingsManifest): number[] | undefined {
  for (let i = manifest.preprocessing.length - 1; i >= 0; i--) {
    const step = manifest.preprocessing[i];
    if (step.op === 'resize' || step.op === 'cropOrPad') return [...step.shape];
  }
  return undefined;
}

/**
 * `nidus models check <id>`: the manifest against the JSON Schema and the rules across fields, the model file's
 * checksum, the graph loaded in onnxruntime, one run on an input of the declared shape, the output as declared;
 * each step printed with its time. Fails with the first step that does not pass.
 */
export async function checkModel(id: string, env: Env): Promise<void> {
  const config = loadConfig(env);
  const say = (step: string, ms: number, detail = '') => process.stdout.write(`  ok  ${step.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms  ${detail}\n`);
  const fail = (step: string, error: unknown): never => {
    throw new ModelCommandError(`model ${id}: ${step} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  process.stdout.write(`checking ${id} in ${config.modelsDir}\n`);
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  const manifestPath = join(config.modelsDir, id, 'model.json');
  if (!existsSync(manifestPath)) fail('manifest', `no ${manifestPath}`);
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(withoutIdAnnotations(modelManifestJsonSchema()) as object);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    fail('manifest', `${manifestPath} is not JSON: ${(error as Error).message}`);
  }
  if (!validate(json)) fail('manifest', `the JSON Schema says: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')}`);
  const registry = new ModelRegistry(config.modelsDir);
  let manifest;
  try {
    manifest = registry.get(id).manifest;
  } catch (error) {
    fail('manifest', error);
  }
  if (!isFindingsManifest(manifest!)) fail('manifest', `${id} is an engine graph (${manifest!.task ?? 'no task'}), not a findings model`);
  const m = manifest as FindingsManifest;
  say('manifest', lap(), `${m.task}, consumes ${m.consumes}, input ${m.input.name} ${m.input.layout} [${m.input.shape.join(', ')}]`);
  let bytes: Uint8Array;
  try {
    bytes = registry.load(id).bytes;
  } catch (error) {
    fail('checksum', error);
  }
  say('checksum', lap(), `sha256 ${m.sha256}`);
  const installed = openAnalyses({ nidusVersion: nidusVersion(), modelsDir: config.modelsDir, inference: config.inference, providers: [] });
  const sessions = installed.inference.sessions;
  try {
    const key = sessionKey(m);
    try {
      const description = await sessions.describe(key, bytes!);
      if (!description.inputs.some((i) => i.name === m.input.name)) throw new InferenceRunError(`the graph has no input ${m.input.name}`);
      say(
        'load',
        lap(),
        `onnxruntime (${(config.inference.executionProviders ?? ['cpu']).join(', ')}), inputs ${description.inputs.map((i) => i.name).join(', ')}`,
      );
    } catch (error) {
      fail('load', error);
    }
    const axes = layoutAxes(m.input.layout);
    const sizes = spatialSizes(m);
    const symbols: Record<string, number> = {};
    const dims = m.input.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      const k = axes.spatial.indexOf(i);
      const size = i === axes.batch ? 1 : i === axes.channel ? 1 : (sizes?.[k] ?? 64);
      symbols[d] = size;
      return size;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = Math.sin(i * 0.37) * 0.5; // deterministic, not constant
    lap();
    let outputs;
    try {
      outputs = await sessions.run(
        key,
        bytes!,
        { [m.input.name]: { type: 'float32', data, dims } },
        { timeLimitMs: (installed.inference.timeLimitSeconds(m) ?? 60) * 1000 },
      );
    } catch (error) {
      fail('run', error);
    }
    const runMs = lap();
    let checked;
    try {
      checked = checkOutput(m.id, outputs!, m.output.tensor, symbols);
    } catch (error) {
      fail('output', error);
    }
    say('run', runMs, `input [${dims.join(', ')}] -> ${m.output.tensor.name} [${checked!.dims.join(', ')}] ${m.output.tensor.dtype}`);
    process.stdout.write(`${id} ${m.version}: passes\n`);
  } finally {
    await installed.close();
  }
}

/** Reads `--code lesion=DCM:110702:White Matter T2 Hyperintensity`. */
export function parseCodeOption(text: string, codes: Record<string, CodedConcept> = {}): Record<string, CodedConcept> {
  const m = /^([^=]+)=(SCT|RADLEX|DCM):([^:]+):(.+)$/.exec(text);
  if (!m) throw new ModelCommandError(`--code ${text}: expected <channel>=<SCT|RADLEX|DCM>:<value>:<meaning>`);
  return { ...codes, [m[1]]: { scheme: m[2] as CodedConcept['scheme'], value: m[3], meaning: m[4] } };
}

/**
 * `nidus models import <bundle>`: a MONAI Bundle folder (configs/metadata.json, configs/inference.json,
 * models/model.onnx) becomes MODELS_DIR/<id>/model.json + model.onnx (docs/models.md, "Importing a MONAI Bundle");
 * what it cannot express is listed and nothing is written.
 */
export async function importModel(
  bundle: string,
  options: { id?: string; code?: Record<string, CodedConcept>; modality?: string; force?: boolean },
  env: Env,
): Promise<void> {
  const config = loadConfig(env);
  let imported;
  try {
    imported = importMonaiBundle(resolve(bundle), {
      id: options.id,
      codes: options.code,
      appliesTo: options.modality ? { Modality: options.modality.split(',').map((s) => s.trim().toUpperCase()) } : undefined,
    });
  } catch (error) {
    if (error instanceof InferenceError) throw new ModelCommandError(error.message);
    throw error;
  }
  const dir = join(config.modelsDir, imported.manifest.id);
  if (existsSync(join(dir, 'model.json')) && !options.force) throw new ModelCommandError(`${dir}/model.json exists: give --force to replace it`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(imported.onnxPath, join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(imported.manifest, null, 2) + '\n');
  for (const w of imported.warnings) process.stdout.write(`warning: ${w}\n`);
  process.stdout.write(
    `imported ${imported.manifest.id} ${imported.manifest.version} to ${dir} (restart Nidus to run it; \`nidus models check ${imported.manifest.id}\` tries it)\n`,
  );
}
