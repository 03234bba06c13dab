import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPart10 } from '@nidus/dicom';
import { EXAMPLE_FIXTURES } from '../../../scripts/generate-example-findings';
import { ModelRegistry } from './model-registry';
import { ModelRunner } from './model-runner';
import { OnnxSessionRepository } from './onnx-session.repository';

const ROOT = resolve(__dirname, '../../..');

describe('example fixtures of the demo models', () => {
  const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
  const runner = new ModelRunner(new ModelRegistry(join(ROOT, 'models')), sessions);
  afterAll(() => sessions.release());

  it.each(EXAMPLE_FIXTURES.map((make) => [make.name, make] as const))(
    '%s: the generator reproduces the committed files, and its model finds what truth.json says',
    async (_, make) => {
      const fixture = make();
      const dir = join(ROOT, 'fixtures', fixture.name);
      expect(
        readdirSync(dir)
          .filter((n) => n.endsWith('.dcm'))
          .sort(),
      ).toEqual(fixture.files.map((f) => f.name).sort());
      for (const f of fixture.files) expect({ file: f.name, same: f.bytes.equals(readFileSync(join(dir, f.name))) }).toEqual({ file: f.name, same: true });
      const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
      expect(truth).toEqual(fixture.truth);
      const result = await runner.run(
        truth.model,
        fixture.files.map((f) => readPart10(readFileSync(join(dir, f.name)))),
      );
      const [key, expected] = Object.entries(truth.expected as Record<string, { present: boolean }>)[0];
      const found = result.task === 'classification' ? result.findings.find((f) => f.key === key) : result.segments.find((s) => s.key === key);
      expect(found?.present).toBe(expected.present);
      if (result.task === 'segmentation') {
        const volume = truth.blobVoxelVolumeMl ?? truth.lesionVoxelVolumeMl;
        expect(Math.abs(result.segments[0].volumeMl! - volume) / volume).toBeLessThan(0.2);
      }
    },
  );
});
