/**
 * Writes the demonstration models under models/: demo-cxr-opacity (X-ray classification), demo-ct-hyperdensity
 * (CT slice segmentation) and demo-mr-lesion (MR volume segmentation), each model.onnx and model.json with its
 * SHA-256. Fixed weights written by hand, plainly not clinical (see each module). Deterministic: the test
 * demo-models.spec.ts checks the committed bytes against a fresh build. Run: `npm run build` then
 * `node dist/scripts/generate-demo-models.js`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoCtHyperdensity } from './demo-models/demo-ct-hyperdensity.model';
import { demoCxrOpacity } from './demo-models/demo-cxr-opacity.model';
import type { DemoModel } from './demo-models/demo-model';
import { demoMrLesion } from './demo-models/demo-mr-lesion.model';
import { repositoryRoot } from './repository-root';

export const DEMO_MODELS: DemoModel[] = [demoCxrOpacity, demoCtHyperdensity, demoMrLesion];

/** The bytes of model.onnx and model.json of a demonstration model. */
export function demoModelFiles(model: DemoModel): { onnx: Uint8Array; json: string; sha256: string } {
  const onnx = model.build();
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  return { onnx, json: JSON.stringify(model.manifest(sha256), null, 2) + '\n', sha256 };
}

export function writeDemoModels(modelsDirectory = join(repositoryRoot(), 'models')): { id: string; sha256: string }[] {
  return DEMO_MODELS.map((model) => {
    const { onnx, json, sha256 } = demoModelFiles(model);
    const dir = join(modelsDirectory, model.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), onnx);
    writeFileSync(join(dir, 'model.json'), json);
    return { id: model.id, sha256 };
  });
}

if (require.main === module) {
  for (const { id, sha256 } of writeDemoModels()) process.stdout.write(`wrote models/${id} (sha256 ${sha256})\n`);
}
