import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UnsupportedMonaiBundleError } from '../inference.errors';
import type { AppliesTo } from '../manifest/applies-to.schema';
import type { CodedConcept } from '../manifest/coded-concept.schema';
import { parseModelManifest, type FindingsManifest } from '../model-manifest';
import { readOnnxSignature, type OnnxSignature } from '../onnx-signature';
import { MonaiConfig, transformName } from './monai-config';
import { IGNORED_TRANSFORMS, translateTransforms, type MonaiTransform } from './monai-transforms';

export interface MonaiImportOptions {
  /** the model id (directory under models/); default: the bundle's directory name, lower-cased */
  id?: string;
  /** default: metadata.json version */
  version?: string;
  /** the series it applies to; default the modality network_data_format names */
  appliesTo?: AppliesTo;
  /** a code for each output channel name of network_data_format (channel_def), background excepted */
  codes?: Record<string, CodedConcept>;
  /** RGB colours by channel name; default a fixed palette */
  colours?: Record<string, [number, number, number]>;
}

export interface MonaiImportResult {
  /** the manifest, checked as models/<id>/model.json would be */
  manifest: FindingsManifest;
  /** what the import assumed or left out, to read before trusting the model */
  warnings: string[];
  /** the bundle's ONNX export, to copy to models/<id>/model.onnx */
  onnxPath: string;
}

const PALETTE: [number, number, number][] = [
  [255, 64, 64],
  [64, 160, 255],
  [255, 200, 0],
  [64, 220, 120],
  [200, 100, 255],
  [255, 128, 0],
];

// Postprocessing transforms with nothing to do in Nidus: it maps masks back and writes the results itself.
const POST_IGNORED = new Set([
  'Invertd',
  'Invert',
  'SaveImaged',
  'SaveImage',
  'EnsureTyped',
  'EnsureType',
  'ToTensord',
  'CopyItemsd',
  'ToDeviced',
  'SqueezeDimd',
  'DeleteItemsd',
]);

function readJson(path: string, problems: string[]): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  try {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    if (json && typeof json === 'object' && !Array.isArray(json)) return json;
    problems.push(`${path} is not a JSON object`);
  } catch (error) {
    problems.push(`${path} is not JSON: ${(error as Error).message}`);
  }
  return undefined;
}

const isBackground = (name: string) => /^(background|bg|other)$/i.test(name.trim());

/**
 * Reads a MONAI Bundle folder (configs/metadata.json with network_data_format, configs/inference.json with
 * the preprocessing transforms, inferer and postprocessing, models/model.onnx) and writes the equivalent
 * manifest of a 3D segmentation or classification model. Transforms outside the supported subset, Python
 * expressions the import would have to evaluate, output channels without a code, and anything the manifest
 * cannot say fail the import with UnsupportedMonaiBundleError naming each one; what it assumed comes back as
 * warnings.
 */
export function importMonaiBundle(directory: string, options: MonaiImportOptions = {}): MonaiImportResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const metadata = readJson(join(directory, 'configs', 'metadata.json'), problems);
  const inferenceJson = readJson(join(directory, 'configs', 'inference.json'), problems);
  const onnxPath = join(directory, 'models', 'model.onnx');
  let signature: OnnxSignature | undefined;
  let sha256 = '';
  if (!existsSync(onnxPath)) problems.push(`${onnxPath} is missing: export the network to ONNX first (the import takes no TorchScript or PyTorch weights)`);
  else {
    const bytes = readFileSync(onnxPath);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    try {
      signature = readOnnxSignature(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      problems.push(`${onnxPath} is not an ONNX model: ${(error as Error).message}`);
    }
  }
  if (!metadata || !inferenceJson) throw new UnsupportedMonaiBundleError(directory, problems);

  const format = (metadata.network_data_format ?? {}) as {
    inputs?: Record<string, Record<string, unknown>>;
    outputs?: Record<string, Record<string, unknown>>;
  };
  const [inputKey, input] = Object.entries(format.inputs ?? {})[0] ?? [];
  const [, output] = Object.entries(format.outputs ?? {})[0] ?? [];
  if (!input || !output) {
    problems.push('configs/metadata.json: network_data_format needs one input and one output');
    throw new UnsupportedMonaiBundleError(directory, problems);
  }
  const rank = Array.isArray(input.spatial_shape) ? input.spatial_shape.length : 0;
  if (rank !== 3)
    problems.push(
      `network_data_format input ${inputKey}: spatial_shape of ${rank} axes; the import takes 3D bundles (2D bundles read their arrays transposed)`,
    );
  if (Number(input.num_channels ?? 1) !== 1) problems.push(`network_data_format input ${inputKey}: ${input.num_channels} channels; DICOM series give one`);

  const config = new MonaiConfig(inferenceJson, problems);
  const transforms = config.transforms('preprocessing', (name) => !IGNORED_TRANSFORMS.has(name)) as MonaiTransform[] | undefined;
  if (!transforms) problems.push('configs/inference.json: no preprocessing.transforms list');
  const translated = translateTransforms(transforms ?? [], inputKey!, 3);
  problems.push(...translated.unsupported);
  warnings.push(...translated.warnings);

  const inferer = config.get('inferer') as MonaiTransform | undefined;
  const infererName = inferer ? transformName(inferer._target_) : 'SimpleInferer';
  if (infererName === 'SlidingWindowInferer') {
    warnings.push(
      `inferer SlidingWindowInferer (roi_size ${JSON.stringify(config.resolve(inferer!.roi_size, 'inferer#roi_size'))}): Nidus runs the whole volume at once; the ONNX graph must take any size, or the preprocessing must end at its size`,
    );
  } else if (infererName !== 'SimpleInferer') problems.push(`inferer ${infererName}: only SimpleInferer and SlidingWindowInferer (run whole) are supported`);

  let activation = 'none' as 'softmax' | 'sigmoid' | 'none';
  let mask = undefined as 'argmax' | 'threshold' | undefined;
  let threshold = undefined as number | undefined;
  const postTransforms = (config.transforms('postprocessing', (name) => !POST_IGNORED.has(name)) ?? []) as MonaiTransform[];
  postTransforms.forEach((t, i) => {
    const name = transformName(t._target_);
    const where = `postprocessing transform ${i} (${name})`;
    if (POST_IGNORED.has(name)) return;
    if (name === 'Activationsd' || name === 'Activations') {
      if (t.softmax === true) activation = 'softmax';
      else if (t.sigmoid === true) activation = 'sigmoid';
      if (t.other !== undefined) problems.push(`${where}: other (a custom function)`);
    } else if (name === 'AsDiscreted' || name === 'AsDiscrete') {
      if (t.argmax === true) mask = 'argmax';
      const value = typeof t.threshold === 'number' ? t.threshold : t.threshold_values === true ? Number(t.logit_thresh ?? 0.5) : undefined;
      if (value !== undefined) {
        mask = 'threshold';
        threshold = value;
      }
    } else problems.push(`${where}: not in the supported subset`);
  });

  const channelDef = (output.channel_def ?? {}) as Record<string, string>;
  const channels = Number(output.num_channels ?? Object.keys(channelDef).length);
  const task = String(output.format ?? '').toLowerCase() === 'classification' ? 'classification' : 'segmentation';
  if (task === 'segmentation' && String(output.format ?? 'segmentation').toLowerCase() !== 'segmentation') {
    problems.push(`network_data_format output format ${JSON.stringify(output.format)}: segmentation or classification`);
  }
  const named = Object.entries(channelDef).map(([index, name]) => ({ index: Number(index), name: String(name) }));
  const background = named.find((c) => isBackground(c.name))?.index;
  const wanted = named.filter((c) => !isBackground(c.name) || task === 'classification');
  const coded = wanted.filter((c) => {
    const code = options.codes?.[c.name];
    if (!code) problems.push(`output channel ${c.index} (${c.name}) has no code: give codes["${c.name}"] = { scheme, value, meaning }`);
    return code !== undefined;
  });

  const onnxInput = signature?.inputs[0];
  const onnxOutput = signature?.outputs[0];
  if (signature && (!onnxInput || !onnxOutput)) problems.push(`${onnxPath}: the graph has no input or no output`);
  const spatialNames = ['D', 'H', 'W'];
  const inputShape = (onnxInput?.shape?.length === 5 ? onnxInput.shape : ['N', 1, 'D', 'H', 'W']).map((d, i) =>
    typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : i === 1 ? 1 : spatialNames[i - 2],
  );
  const outputShape = (onnxOutput?.shape?.length ? onnxOutput.shape : task === 'classification' ? ['N', channels] : ['N', channels, 'D', 'H', 'W']).map(
    (d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : task === 'classification' ? channels : i === 1 ? channels : spatialNames[i - 2]),
  );
  if (problems.length) throw new UnsupportedMonaiBundleError(directory, problems);

  const modality = typeof input.modality === 'string' ? input.modality.toUpperCase() : undefined;
  const appliesTo = options.appliesTo ?? (modality ? { Modality: [modality] } : undefined);
  if (!appliesTo) throw new UnsupportedMonaiBundleError(directory, ['network_data_format names no modality: give appliesTo']);
  const meta = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : undefined);
  const json: Record<string, unknown> = {
    id:
      options.id ??
      basename(directory)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-'),
    version: options.version ?? meta('version') ?? '1',
    file: 'model.onnx',
    sha256,
    task,
    description: meta('description') ?? meta('name') ?? `imported from the MONAI bundle ${basename(directory)}`,
    intendedUse: meta('intended_use') ?? 'not stated by the bundle',
    authors: meta('authors'),
    license: meta('license') ?? meta('copyright'),
    references: Array.isArray(metadata.references) ? metadata.references.map(String) : undefined,
    appliesTo,
    consumes: 'volume',
    input: { name: onnxInput!.name, layout: 'NCDHW', dtype: 'float32', shape: inputShape },
    preprocessing: translated.steps,
  };
  const codeOf = (name: string) => options.codes![name];
  if (task === 'classification') {
    json.output = {
      tensor: { name: onnxOutput!.name, dtype: 'float32', shape: outputShape },
      activation,
      ...(threshold !== undefined ? { threshold } : {}),
      labels: coded.map((c) => ({ index: c.index, code: codeOf(c.name), key: c.name.replace(/[^A-Za-z0-9_-]+/g, '-') })),
    };
  } else {
    const decision = mask ?? (activation === 'softmax' ? 'argmax' : 'threshold');
    if (decision === 'argmax' && background === undefined && channels > 1)
      warnings.push('no channel is named background: channel 0 is taken as the background');
    json.output = {
      tensor: { name: onnxOutput!.name, dtype: 'float32', shape: outputShape },
      activation,
      mask: decision,
      ...(threshold !== undefined ? { threshold } : {}),
      ...(decision === 'argmax' ? { background: background ?? 0 } : {}),
      classes: coded.map((c, k) => ({
        key: c.name.replace(/[^A-Za-z0-9_-]+/g, '-'),
        index: c.index,
        code: codeOf(c.name),
        colour: options.colours?.[c.name] ?? PALETTE[k % PALETTE.length],
        measurements: ['volumeMl', 'largestDiameterMm'],
      })),
    };
  }
  for (const [key, value] of Object.entries(json)) if (value === undefined) delete json[key];
  const parsed = parseModelManifest(json);
  if (!parsed.success)
    throw new UnsupportedMonaiBundleError(
      directory,
      parsed.problems.map((p) => `the manifest it would make: ${p}`),
    );
  return { manifest: parsed.manifest as FindingsManifest, warnings, onnxPath };
}
