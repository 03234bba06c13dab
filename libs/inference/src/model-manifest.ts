import { z } from 'zod';

const tensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'int8', 'bool']),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
  description: z.string().optional(),
});

/** models/<id>/model.json: what a model is, its file, its checksum and its tensors. */
export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id: letters, digits, . _ -'),
  version: z.string().min(1),
  file: z.string().min(1).default('model.onnx'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  description: z.string().min(1),
  task: z.string().optional(),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type TensorSpec = z.infer<typeof tensorSpec>;
