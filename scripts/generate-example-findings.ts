/**
 * Writes the fixtures the demonstration models run on, each with its truth in truth.json:
 *   fixtures/example-cxr        one frontal chest radiograph (DX, MONOCHROME1, 1000 x 1200) with a round opacity
 *   fixtures/example-ct-head    a 24-slice head CT (256 x 256, 0.9 mm, 5 mm slices) with a 70 HU blob
 *   fixtures/example-mr-brain   a 28-slice FLAIR-like brain MR (256 x 256, 0.9 mm, 4 mm slices) with a bright lesion
 * Synthetic phantoms (libs/testing/src/findings), not anatomy. Deflated Part 10 files; UIDs derived from names,
 * so a fresh run writes the same bytes (example-findings.spec.ts checks it). Run: `npm run build` then
 * `node dist/scripts/generate-example-findings.js`.
 */
import '../bench/register-aliases';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveUid, TransferSyntaxUIDs, writePart10, type DicomElements } from '@nidus/dicom';
import { ellipsoidVolumeMl, syntheticBrainMr, syntheticHeadCt, syntheticRadiograph, type Ellipsoid } from '@nidus/testing';
import { repositoryRoot } from './repository-root';

export interface ExampleFixture {
  name: string;
  files: { name: string; bytes: Buffer }[];
  truth: Record<string, unknown>;
}

const deflated = (elements: DicomElements) => writePart10(elements, { transferSyntaxUID: TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian });
const uids = (name: string) => (role: string) => deriveUid(`fixtures/${name}/${role}`);
const patient = (name: string, id: string): DicomElements => ({ PatientName: name, PatientID: id, AccessionNumber: id.slice(-8) });

function voxelVolumeMl(truth: Uint8Array, spacing: [number, number, number]): number {
  return Math.round(((truth.reduce((a, b) => a + b, 0) * spacing[0] * spacing[1] * spacing[2]) / 1000) * 1000) / 1000;
}

export function exampleCxr(): ExampleFixture {
  const opacity = { x: 310, y: 520, radiusPx: 42, contrast: 0.22 };
  const r = syntheticRadiograph({
    rows: 1200,
    columns: 1000,
    PhotometricInterpretation: 'MONOCHROME1',
    opacity,
    seed: 20240611,
    uid: uids('example-cxr'),
    extra: patient('EXAMPLE^CXR', 'NIDUS-EXAMPLE-CXR'),
  });
  return {
    name: 'example-cxr',
    files: [{ name: 'cxr.dcm', bytes: deflated(r.elements) }],
    truth: {
      description:
        'Synthetic frontal chest radiograph (DX for presentation, MONOCHROME1, 12-bit, 1000 x 1200, 0.35 mm) with one round opacity in the right lung',
      model: 'demo-cxr-opacity',
      opacity: { ...opacity, centre: 'pixels (column, row)' },
      expected: { opacity: { present: true } },
    },
  };
}

export function exampleCtHead(): ExampleFixture {
  const blob: Ellipsoid = { centreMm: [22, 14, 4], radiiMm: [15, 11, 10] };
  const ct = syntheticHeadCt({
    rows: 256,
    columns: 256,
    pixelSpacingMm: 0.9,
    slices: 24,
    blob,
    seed: 20240612,
    uid: uids('example-ct-head'),
    extra: patient('EXAMPLE^CTHEAD', 'NIDUS-EXAMPLE-CTHEAD'),
  });
  return {
    name: 'example-ct-head',
    files: ct.images.map((e, z) => ({ name: `ct_z${String(z).padStart(3, '0')}.dcm`, bytes: deflated(e) })),
    truth: {
      description: 'Synthetic head CT (24 axial slices, 256 x 256, 0.9 mm, 5 mm apart): scalp, skull, brain, ventricles and an ellipsoidal 70 HU blob',
      model: 'demo-ct-hyperdensity',
      blob: { ...blob, hu: 70 },
      blobVolumeMl: Math.round(ellipsoidVolumeMl(blob) * 1000) / 1000,
      blobVoxelVolumeMl: voxelVolumeMl(ct.truth, ct.spacingMm),
      expected: { hyperdensity: { present: true } },
    },
  };
}

export function exampleMrBrain(): ExampleFixture {
  const lesion: Ellipsoid = { centreMm: [-24, 6, 16], radiiMm: [10, 9, 8] };
  const mr = syntheticBrainMr({ lesion, seed: 20240613, uid: uids('example-mr-brain'), extra: patient('EXAMPLE^MRBRAIN', 'NIDUS-EXAMPLE-MRBRAIN') });
  return {
    name: 'example-mr-brain',
    files: mr.images.map((e, z) => ({ name: `mr_z${String(z).padStart(3, '0')}.dcm`, bytes: deflated(e) })),
    truth: {
      description: 'Synthetic FLAIR-like brain MR (28 axial slices, 256 x 256, 0.9 mm, 4 mm apart) with an ellipsoidal bright lesion',
      model: 'demo-mr-lesion',
      lesion,
      lesionVolumeMl: Math.round(ellipsoidVolumeMl(lesion) * 1000) / 1000,
      lesionVoxelVolumeMl: voxelVolumeMl(mr.truth, mr.spacingMm),
      expected: { lesion: { present: true } },
    },
  };
}

export const EXAMPLE_FIXTURES = [exampleCxr, exampleCtHead, exampleMrBrain];

export function writeExampleFixture(fixture: ExampleFixture, root = join(repositoryRoot(), 'fixtures')): string {
  const dir = join(root, fixture.name);
  if (existsSync(dir)) for (const name of readdirSync(dir)) if (name.endsWith('.dcm')) rmSync(join(dir, name));
  mkdirSync(dir, { recursive: true });
  for (const f of fixture.files) writeFileSync(join(dir, f.name), f.bytes);
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(fixture.truth, null, 2) + '\n');
  return dir;
}

if (require.main === module) {
  for (const make of EXAMPLE_FIXTURES) {
    const fixture = make();
    const bytes = fixture.files.reduce((n, f) => n + f.bytes.length, 0);
    process.stdout.write(`wrote ${writeExampleFixture(fixture)} (${fixture.files.length} files, ${(bytes / 1e6).toFixed(1)} MB)\n`);
  }
}
