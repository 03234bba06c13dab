import { z } from 'zod/v4';
import { modelManifestSchema } from '../model-manifest';

/**
 * The JSON Schema (draft 2020-12) of models/<id>/model.json, generated from the zod schema that Nidus
 * applies, so the two cannot drift; libs/inference/model-manifest.schema.json is this, committed. The rules
 * across fields (manifest-rules.ts) are not expressible in it and are applied on top.
 */
export function modelManifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(modelManifestSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'Nidus model manifest (models/<id>/model.json)',
    description:
      'An engine graph (task absent or engine), or a findings model (classification, segmentation) with its route, input tensor, ordered preprocessing and the meaning of its output. See docs/models.md.',
    ...rest,
  };
}
