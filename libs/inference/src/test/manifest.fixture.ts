import { parseModelManifest, type FindingsManifest } from '../model-manifest';

const BASE = {
  id: 'test-model',
  version: '1',
  sha256: '0'.repeat(64),
  description: 'a test model',
  intendedUse: 'tests only',
  appliesTo: { Modality: ['CT'] },
};

/** A findings manifest from the fields a test cares about, parsed and checked as a model.json would be. */
export function manifestFixture<T extends FindingsManifest = FindingsManifest>(fields: Record<string, unknown>): T {
  const parsed = parseModelManifest({ ...BASE, ...fields });
  if (!parsed.success) throw new Error(parsed.problems.join('; '));
  return parsed.manifest as T;
}
