/**
 * Writes libs/inference/model-manifest.schema.json from the zod schema of the manifest (the test
 * model-manifest-json-schema.spec.ts fails when the committed file differs). Run: `npm run build` then
 * `node dist/scripts/generate-model-manifest-schema.js`.
 */
import '../bench/register-aliases';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelManifestJsonSchema } from '../libs/inference/src/manifest/model-manifest-json-schema';
import { repositoryRoot } from './repository-root';

export const MODEL_MANIFEST_SCHEMA_PATH = join('libs', 'inference', 'model-manifest.schema.json');

export function modelManifestSchemaText(): string {
  return JSON.stringify(modelManifestJsonSchema(), null, 2) + '\n';
}

if (require.main === module) {
  const path = join(repositoryRoot(), MODEL_MANIFEST_SCHEMA_PATH);
  writeFileSync(path, modelManifestSchemaText());
  process.stdout.write(`wrote ${path}\n`);
}
