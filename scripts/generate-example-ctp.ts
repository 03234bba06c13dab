/**
 * Writes fixtures/example-ctp: a small CT perfusion phantom study (128 x 128, 8 slices, 30 time points every
 * 2 s, 6 HU noise, an MCA-territory lesion on the patient's left that is eligible by DEFUSE 3 and EXTEND)
 * as deflated Part 10 files, with its ground truth in truth.json. Deterministic: same seed, same pixels
 * (UIDs are derived from the seed too). Run: `npm run build` then `node dist/scripts/generate-example-ctp.js`.
 */
import '../bench/register-aliases';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TransferSyntaxUIDs } from '@nidus/dicom';
import { generateHeadPhantom, uniformSamplingTimes, writePhantomSeries } from '@nidus/testing';

export const EXAMPLE_CTP_SEED = 20240501;

function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** A UID under 2.25 derived from a name (PS3.5 B.2 allows any UUID-derived integer). */
function stableUid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32);
  return '2.25.' + BigInt('0x' + hex).toString(10);
}

export function writeExampleCtp(directory = join(repositoryRoot(), 'fixtures', 'example-ctp')) {
  const phantom = generateHeadPhantom({
    seed: EXAMPLE_CTP_SEED,
    columns: 128,
    slices: 8,
    timesSeconds: uniformSamplingTimes(30, 2),
    noiseHu: 6,
    lesion: { side: 'left' },
  });
  phantom.volume.SOPInstanceUIDs = phantom.volume.SOPInstanceUIDs.map((row, t) => row.map((_, z) => stableUid(`example-ctp/${t}/${z}`)));
  if (existsSync(directory)) for (const name of readdirSync(directory)) if (name.endsWith('.dcm')) rmSync(join(directory, name));
  mkdirSync(directory, { recursive: true });
  const series = writePhantomSeries(phantom.volume, directory, {
    StudyInstanceUID: stableUid('example-ctp/study'),
    SeriesInstanceUID: stableUid('example-ctp/series'),
    FrameOfReferenceUID: stableUid('example-ctp/frame-of-reference'),
    PatientName: 'EXAMPLE^CTP',
    PatientID: 'NIDUS-EXAMPLE-CTP',
    AccessionNumber: 'EXCTP0001',
    transferSyntaxUID: TransferSyntaxUIDs.DeflatedExplicitVRLittleEndian,
  });
  const truth = phantom.truth;
  const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
  const summary = {
    description:
      'Digital phantom (Kudo-style): 128 x 128 x 8 slices x 30 time points (2 s), 6 HU noise, exponential residues, lesion in the left MCA territory',
    seed: EXAMPLE_CTP_SEED,
    StudyInstanceUID: series.StudyInstanceUID,
    SeriesInstanceUID: series.SeriesInstanceUID,
    instances: series.paths.length,
    coreVolumeMl: round(truth.volumes.coreVolumeMl),
    hypoperfusionVolumeMl: round(truth.volumes.hypoperfusionVolumeMl),
    tmax10VolumeMl: round(truth.volumes.tmax10VolumeMl),
    mismatchVolumeMl: round(truth.volumes.mismatchVolumeMl),
    mismatchRatio: round(truth.volumes.mismatchRatio),
    hypoperfusionIntensityRatio: round(truth.volumes.hypoperfusionIntensityRatio),
    affectedHemisphere: truth.affectedHemisphere,
    eligibility: truth.eligibility,
    referenceCbf: round(truth.referenceCbf),
  };
  writeFileSync(join(directory, 'truth.json'), JSON.stringify(summary, null, 2) + '\n');
  return { directory, summary };
}

if (require.main === module) {
  const { directory, summary } = writeExampleCtp();
  process.stdout.write(`wrote ${summary.instances} files and truth.json to ${directory}\n${JSON.stringify(summary, null, 2)}\n`);
}
