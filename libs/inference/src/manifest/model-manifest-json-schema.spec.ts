import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { modelManifestSchemaText } from '../../../../scripts/generate-model-manifest-schema';
import { modelManifestJsonSchema } from './model-manifest-json-schema';

describe(modelManifestJsonSchema.name, () => {
  it('is what libs/inference/model-manifest.schema.json holds (regenerate with scripts/generate-model-manifest-schema.ts)', () => {
    expect(readFileSync(resolve(__dirname, '../../model-manifest.schema.json'), 'utf8')).toBe(modelManifestSchemaText());
  });

  it('describes the three kinds of manifest and every preprocessing step', () => {
    const schema = modelManifestJsonSchema() as { anyOf: { $ref: string }[]; $defs: Record<string, { anyOf?: unknown[]; oneOf?: unknown[] }> };
    expect(schema.anyOf.map((a) => a.$ref)).toEqual(['#/$defs/EngineManifest', '#/$defs/ClassificationManifest', '#/$defs/SegmentationManifest']);
    const steps = JSON.stringify(schema.$defs.PreprocessingStep);
    for (const id of [
      'ModalityLutStep',
      'WindowStep',
      'InvertMonochrome1Step',
      'ScaleIntensityStep',
      'NormalizeConstantStep',
      'NormalizeZScoreStep',
      'ResizeStep',
      'ResampleStep',
      'CropOrPadStep',
      'OrientStep',
      'ChannelsStep',
    ]) {
      expect(steps).toContain(`#/$defs/${id}`);
    }
  });
});
