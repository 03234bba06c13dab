import { z } from 'zod/v4';
import { appliesToSchema } from './manifest/applies-to.schema';
import { manifestRuleViolations } from './manifest/manifest-rules';
import { classificationOutputSchema, segmentationOutputSchema } from './manifest/model-output.schema';
import { preprocessingStepSchema } from './manifest/preprocessing-step.schema';

const dim = z.union([z.number().int().nonnegative(), z.string().min(1)]);

const tensorSpec = z
  .object({
    name: z.string().min(1),
    dtype: z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'int8', 'bool']),
    shape: z.array(dim),
    description: z.string().optional(),
  })
  .strict()
  .meta({ id: 'TensorSpec' });

const common = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id: letters, digits, . _ -')
    .describe('the directory name under models/'),
  version: z.string().min(1).describe('the model version; a new version is a new session'),
  file: z.string().min(1).default('model.onnx').describe('the ONNX file beside model.json'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
    .describe('SHA-256 of the model file; checked every time it is loaded'),
  description: z.string().min(1),
};

/** A model run by an engine of Nidus (the perfusion deconvolution): tensors only, no route. */
export const engineManifestSchema = z
  .object({
    ...common,
    task: z.literal('engine').describe('absent or engine: a graph an engine of Nidus runs itself').optional(),
    inputs: z.array(tensorSpec).min(1),
    outputs: z.array(tensorSpec).min(1),
  })
  .strict()
  .meta({ id: 'EngineManifest' });

export const inputTensorSchema = z
  .object({
    name: z.string().min(1),
    layout: z.enum(['NCHW', 'NHWC', 'NCDHW', 'NDHWC']).describe('NCHW / NHWC for images and slices, NCDHW / NDHWC for volumes; N is the batch'),
    dtype: z.literal('float32').default('float32'),
    shape: z.array(z.union([z.number().int().min(1), z.string().min(1)])).describe('one entry per layout letter: a number is fixed, a name is dynamic'),
  })
  .strict()
  .meta({ id: 'InputTensor' });

const findingsCommon = {
  ...common,
  intendedUse: z.string().min(1).describe('what the model is for and for whom; say plainly when it is not for clinical use'),
  appliesTo: appliesToSchema,
  consumes: z.enum(['image', 'slices', 'volume']).describe('image: one image; slices: each slice of a series (2D); volume: the series as one 3D volume'),
  input: inputTensorSchema,
  preprocessing: z.array(preprocessingStepSchema).describe('applied in order to the decoded stored values'),
  runtime: z
    .object({
      timeLimitSeconds: z.number().positive().describe('a run that takes longer fails with ModelTimeoutError').optional(),
      batchSize: z.number().int().min(1).describe('slices models with a dynamic N: slices per run (default 8)').optional(),
    })
    .strict()
    .default({}),
  authors: z.string().optional(),
  license: z.string().optional(),
  references: z.array(z.string()).optional(),
};

export const classificationManifestSchema = z
  .object({ ...findingsCommon, task: z.literal('classification'), output: classificationOutputSchema })
  .strict()
  .meta({ id: 'ClassificationManifest' });

export const segmentationManifestSchema = z
  .object({ ...findingsCommon, task: z.literal('segmentation'), output: segmentationOutputSchema })
  .strict()
  .meta({ id: 'SegmentationManifest' });

/** models/<id>/model.json: an engine graph, or a findings model (classification, segmentation). */
export const modelManifestSchema = z.union([engineManifestSchema, classificationManifestSchema, segmentationManifestSchema]);

export type EngineManifest = z.output<typeof engineManifestSchema>;
export type ClassificationManifest = z.output<typeof classificationManifestSchema>;
export type SegmentationManifest = z.output<typeof segmentationManifestSchema>;
export type FindingsManifest = ClassificationManifest | SegmentationManifest;
export type ModelManifest = EngineManifest | FindingsManifest;
export type TensorSpec = z.output<typeof tensorSpec>;
export type InputTensor = z.output<typeof inputTensorSchema>;

export const FINDINGS_TASKS = ['classification', 'segmentation'] as const;
/** Tasks the manifest leaves room for but Nidus does not run yet. */
export const RESERVED_TASKS = ['detection'] as const;

export function isFindingsManifest(manifest: ModelManifest): manifest is FindingsManifest {
  return manifest.task === 'classification' || manifest.task === 'segmentation';
}

export type ManifestParseResult = { success: true; manifest: ModelManifest } | { success: false; problems: string[] };

const where = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(root)');

/**
 * Checks a parsed model.json: its structure by the schema of its task (model-manifest.schema.json says the same),
 * then the rules across fields (manifest-rules.ts). Each problem names its field.
 */
export function parseModelManifest(json: unknown): ManifestParseResult {
  const task = json !== null && typeof json === 'object' ? (json as { task?: unknown }).task : undefined;
  if (typeof task === 'string' && (RESERVED_TASKS as readonly string[]).includes(task)) {
    return { success: false, problems: [`task: ${task} is reserved for a later version; Nidus runs classification and segmentation models`] };
  }
  const schema =
    task === 'classification'
      ? classificationManifestSchema
      : task === 'segmentation'
        ? segmentationManifestSchema
        : task === undefined || task === 'engine'
          ? engineManifestSchema
          : undefined;
  if (!schema) return { success: false, problems: [`task: ${JSON.stringify(task)} is not one of classification, segmentation, engine`] };
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { success: false, problems: parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`) };
  const manifest = parsed.data as ModelManifest;
  if (isFindingsManifest(manifest)) {
    const violations = manifestRuleViolations(manifest);
    if (violations.length) return { success: false, problems: violations.map((v) => `${v.path}: ${v.message}`) };
  }
  return { success: true, manifest };
}
