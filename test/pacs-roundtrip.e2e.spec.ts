import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10 } from '@nidus/dicom';
import {
  countVoxels,
  diceCoefficient,
  flushRedisDatabase,
  orthancInstanceFile,
  orthancStudyId,
  readSegmentation,
  redisUrlForDatabase,
  sleep,
  storescu,
  waitForSeries,
  waitUntil,
  writeNidusConfig,
} from '@nidus/testing';
import { freePort, OrthancHandle, startOrthanc, generateHeadPhantom, PatientSide, writePhantomSeries, NidusServer, startNidus } from '@nidus/testing';

// Issue 6 against a real PACS: Orthanc holds a CT perfusion study and auto-forwards it to `nidus serve`
// (C-STORE from Orthanc's REST /modalities/nidus/store); Nidus decides the series is complete, analyses it, and
// sends SEG, SR and summary images back into the same study in Orthanc, by STOW-RS or by C-STORE. The SEG is then
// read back from Orthanc and compared with the phantom's truth.

const REDIS_DB = 5; // this file's own Redis database: `nidus serve` uses the default queue prefix
const PACS_AET = 'PACS';
const NIDUS_AET = 'NIDUS';
const SLICES = 6;
const TIMES = Array.from({ length: 28 }, (_, i) => i * 1.6);
// a summary image per slice and the mosaic; Tmax, rCBF, CBF, CBV and MTT as Parametric Maps
const RESULT_SERIES = { 'NIDUS CTP SEG': 1, 'NIDUS CTP REPORT': 1, 'NIDUS CTP SUMMARY': SLICES + 1, 'NIDUS CTP QC': 1, 'NIDUS CTP MAPS': 5 };
const TRUE_CORE_FOR_DICE_ML = 5;

const cases: { delivery: 'stow-rs' | 'c-store'; seed: number; side: PatientSide }[] = [
  { delivery: 'stow-rs', seed: 21, side: 'left' },
  { delivery: 'c-store', seed: 12, side: 'right' },
];

describe('PACS round trip: Orthanc -> nidus serve -> Orthanc', () => {
  let orthanc: OrthancHandle | undefined;
  let nidus: NidusServer | undefined;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-pacs-roundtrip-'));
    await flushRedisDatabase(REDIS_DB);
  });
  afterEach(async () => {
    const stopped = await nidus?.stop();
    if (stopped && stopped.code !== 0) console.error(`nidus serve exited ${stopped.code}:\n${nidus!.stderr().slice(-3000)}`);
    await orthanc?.stop();
    nidus = orthanc = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)(
    'returns SEG, SR and summary images into the study by $delivery (seed $seed, lesion $side)',
    async ({ delivery, seed, side }) => {
      const started = Date.now();
      const phantom = generateHeadPhantom({ seed, columns: 96, rows: 96, slices: SLICES, timesSeconds: TIMES, noiseHu: 6, lesion: { side } });
      const series = writePhantomSeries(phantom.volume, join(dir, 'study'), {
        PatientName: 'Roundtrip^Case',
        PatientID: `RT-${seed}`,
        AccessionNumber: `ACC${seed}`,
      });

      const nidusDicomPort = await freePort();
      const pacs = await startOrthanc({ aet: PACS_AET, modalities: { nidus: { aet: NIDUS_AET, host: '127.0.0.1', port: nidusDicomPort } } });
      orthanc = pacs;
      const target =
        delivery === 'stow-rs'
          ? { id: 'pacs', type: 'stow-rs', url: pacs.dicomWebUrl }
          : { id: 'pacs', type: 'c-store', host: '127.0.0.1', port: pacs.dicomPort, calledAETitle: PACS_AET, callingAETitle: NIDUS_AET };
      const config = writeNidusConfig(dir, { dicom: { allowedCallingAETitles: [PACS_AET] }, delivery: { targets: [target], initialBackoffSeconds: 0.5 } });
      nidus = await startNidus({
        DATA_DIR: join(dir, 'data'),
        REDIS_URL: redisUrlForDatabase(REDIS_DB),
        NIDUS_CONFIG: config,
        STABLE_AFTER_SECONDS: '2',
        DICOM_PORT: String(nidusDicomPort),
        DICOM_AE_TITLE: NIDUS_AET,
      });

      // the modality's images reach the PACS, and the PACS forwards the study to Nidus
      await storescu({ port: pacs.dicomPort, calledAETitle: PACS_AET, callingAETitle: 'CT_SCANNER', files: series.paths });
      const studyId = await orthancStudyId(pacs, series.StudyInstanceUID);
      expect(studyId).toBeDefined();
      const forwardStart = Date.now();
      const forwarded = await pacs.restJson<{ FailedInstancesCount?: number; InstancesCount?: number }>('/modalities/nidus/store', {
        method: 'POST',
        body: studyId!,
      });
      expect(forwarded).toMatchObject({ FailedInstancesCount: 0, InstancesCount: SLICES * TIMES.length });

      const forwardedAt = Date.now();
      const studySeries = await waitForSeries(pacs, studyId!, RESULT_SERIES, 45_000);
      const resultsAfterMs = Date.now() - forwardedAt;
      const byDescription = (d: string) => studySeries.find((s) => s.MainDicomTags.SeriesDescription === d)!;
      expect(studySeries).toHaveLength(6); // the CT and the five result series, nothing twice
      expect(byDescription('NIDUS CTP SEG').MainDicomTags.Modality).toBe('SEG');
      expect(byDescription('NIDUS CTP REPORT').MainDicomTags.Modality).toBe('SR');
      expect(byDescription('NIDUS CTP SUMMARY').MainDicomTags.Modality).toBe('OT');
      expect(byDescription('NIDUS CTP MAPS').MainDicomTags.Modality).toBe('CT'); // a Parametric Map takes its source's modality
      expect(Object.fromEntries(Object.keys(RESULT_SERIES).map((d) => [d, byDescription(d).Instances.length]))).toEqual(RESULT_SERIES);
      // they came the configured way: Orthanc notes DIMSE receptions (Origin, RemoteAET) apart from DICOMweb ones
      const seg = byDescription('NIDUS CTP SEG').Instances[0];
      const origin = await (await pacs.rest(`/instances/${seg}/metadata/Origin`)).text();
      if (delivery === 'c-store') {
        expect(origin).toBe('DicomProtocol');
        expect(await (await pacs.rest(`/instances/${seg}/metadata/RemoteAET`)).text()).toBe(NIDUS_AET);
      } else {
        expect(origin).not.toBe('DicomProtocol');
      }

      // every object pulled back from the PACS reads in dcmtk; the SR in dsrdump too
      const pulled = join(dir, 'pulled');
      mkdirSync(pulled);
      const files: Record<string, Buffer[]> = {};
      for (const description of Object.keys(RESULT_SERIES)) {
        for (const instanceId of byDescription(description).Instances) {
          const bytes = await orthancInstanceFile(pacs, instanceId);
          const path = join(pulled, `${instanceId}.dcm`);
          writeFileSync(path, bytes);
          const dump = execFileSync('dcmdump', ['-q', path], { encoding: 'utf8' });
          expect(dump).toContain(series.StudyInstanceUID);
          expect(dump).toContain('Roundtrip^Case');
          if (description === 'NIDUS CTP REPORT') expect(execFileSync('dsrdump', ['-q', path], { encoding: 'utf8' })).toMatch(/Imaging Measurement Report/);
          (files[description] ??= []).push(bytes);
        }
      }

      // the SEG, decoded from the PACS's copy onto the source grid, against the phantom's truth
      const segments = readSegmentation(files['NIDUS CTP SEG'][0], {
        rows: phantom.volume.rows,
        columns: phantom.volume.columns,
        ImagePositionPatient: phantom.volume.ImagePositionPatient,
      });
      const core = segments.find((s) => /core/i.test(s.SegmentLabel));
      const hypo = segments.find((s) => /hypoperfusion/i.test(s.SegmentLabel));
      expect(core).toBeDefined();
      expect(hypo).toBeDefined();
      const { truth } = phantom;
      const voxelMl = truth.voxelVolumeMl;
      const coreDice = diceCoefficient(core!.mask, truth.coreMask);
      const hypoDice = diceCoefficient(hypo!.mask, truth.hypoperfusionMask);
      const segHypoMl = countVoxels(hypo!.mask) * voxelMl;
      const segCoreMl = countVoxels(core!.mask) * voxelMl;
      console.log(
        `pacs round trip (${delivery}, seed ${seed}, ${side}): results in Orthanc ${(resultsAfterMs / 1000).toFixed(1)} s after the forward (case ${((Date.now() - started) / 1000).toFixed(1)} s, forward ${((forwardedAt - forwardStart) / 1000).toFixed(1)} s); ` +
          `Dice core ${coreDice.toFixed(3)} (SEG ${segCoreMl.toFixed(1)} mL, truth ${truth.volumes.coreVolumeMl.toFixed(1)} mL), ` +
          `Dice Tmax>6s ${hypoDice.toFixed(3)} (SEG ${segHypoMl.toFixed(1)} mL, truth ${truth.volumes.hypoperfusionVolumeMl.toFixed(1)} mL)`,
      );
      expect(hypoDice).toBeGreaterThanOrEqual(0.7);
      expect(truth.volumes.coreVolumeMl).toBeGreaterThanOrEqual(TRUE_CORE_FOR_DICE_ML); // the seeds are chosen so the core Dice means something
      expect(coreDice).toBeGreaterThanOrEqual(0.4);
      // the segments lie on the lesion's side: the patient's left is +x (column index increasing)
      const sideOf = (mask: Uint8Array) => {
        let left = 0;
        let right = 0;
        for (let i = 0; i < mask.length; i++) if (mask[i]) truth.side[i] > 0 ? left++ : right++;
        return left > right ? 'left' : 'right';
      };
      expect(sideOf(hypo!.mask)).toBe(side);

      // the SR carries the same volume the SEG outlines, and the alert the same numbers (default rules, no pager)
      const sr = readPart10(files['NIDUS CTP REPORT'][0]);
      expect(sr.requireString('StudyInstanceUID')).toBe(series.StudyInstanceUID);
      const alerts = await waitUntil(
        'the alert of the analysis',
        async () => {
          const body = (await (await fetch(`${nidus!.url}/api/alerts`, { headers: { Authorization: `Bearer ${await nidus!.token('stroke')}` } })).json()) as {
            alerts: { content: { study: { StudyInstanceUID: string }; results: Record<string, number> } }[];
          };
          return body.alerts.length ? body.alerts : undefined;
        },
        10_000,
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0].content.study.StudyInstanceUID).toBe(series.StudyInstanceUID);
      expect(alerts[0].content.results.hypoperfusionVolumeMl).toBeCloseTo(segHypoMl, 0);
      expect(alerts[0].content.results.coreVolumeMl).toBeCloseTo(segCoreMl, 0);

      // nothing more arrives: one analysis, one delivery of each object
      await sleep(1000);
      const after = await waitForSeries(pacs, studyId!, RESULT_SERIES, 1000);
      expect(after.map((s) => s.Instances.length).sort()).toEqual(studySeries.map((s) => s.Instances.length).sort());
      expect(nidus!.stderr()).not.toMatch(/"level":(50|60)|"level":"(error|fatal)"/);
    },
    90_000,
  );
});
