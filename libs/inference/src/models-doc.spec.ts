import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseModelManifest } from './model-manifest';

const ROOT = resolve(__dirname, '../../..');

describe('docs/models.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'models.md'), 'utf8');
  const examples = [...doc.matchAll(/<!-- manifest-example: ([a-z0-9-]+) -->\s*```json\n([\s\S]*?)```/g)].map((m) => ({ id: m[1], text: m[2] }));

  it('has one full example per task', () => {
    expect(examples.map((e) => e.id)).toEqual(['demo-cxr-opacity', 'demo-ct-hyperdensity', 'demo-mr-lesion']);
  });

  it.each(examples.map((e) => [e.id, e.text] as const))('the %s example is a valid manifest, the one that ships', (id, text) => {
    const shipped = JSON.parse(readFileSync(join(ROOT, 'models', id, 'model.json'), 'utf8'));
    const json = JSON.parse(
      text
        .replace('"SHA256"', JSON.stringify(shipped.sha256))
        .replace('"DESCRIPTION"', JSON.stringify(shipped.description))
        .replace('"INTENDED_USE"', JSON.stringify(shipped.intendedUse)),
    );
    const parsed = parseModelManifest(json);
    expect(parsed.success ? [] : parsed.problems).toEqual([]);
    expect(parsed.success && parsed.manifest).toEqual((parseModelManifest(shipped) as { manifest: unknown }).manifest);
  });
});
