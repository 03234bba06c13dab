// Building and delivering the DICOM results of one CT perfusion analysis at clinical size: 512 x 512 x 16 slices
// (SEG of core + Tmax > 6 s, TID 1500 SR, 16 summary SC images), then sending them to a real Orthanc by STOW-RS
// and by C-STORE. Medians of --runs runs.
// Run: npm run build && node dist/bench/results-build.js [--runs 5] [--slices 16] [--size 512]
import './register-aliases';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMeasurementReport, buildSegmentation, code, Codes } from '@nidus/dicom';
import { CStoreTarget, StowRsTarget } from '@nidus/delivery';
import { buildCtpResults, renderCtpSummarySlice } from '@nidus/analyses/ctp';
import { syntheticPerfusionResult, volumeFor, syntheticCtSeries, startOrthanc } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 5);
const SLICES = option('--slices', 16);
const SIZE = option('--size', 512);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timed(runs: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const source = syntheticCtSeries({ rows: SIZE, columns: SIZE, slices: SLICES, PixelSpacing: [0.45, 0.45], sliceSpacing: 5 });
  const voxelMl = (0.45 * 0.45 * 5) / 1000;
  const q = (f: number) => Math.round(SIZE * f);
  const result = syntheticPerfusionResult({
    rows: SIZE,
    columns: SIZE,
    slices: SLICES,
    voxelMl,
    hypoperfusion: { z: [2, SLICES - 2], y: [q(0.25), q(0.75)], x: [q(0.1), q(0.45)] },
    core: { z: [4, SLICES - 4], y: [q(0.4), q(0.55)], x: [q(0.15), q(0.25)] },
  });
  const volume = volumeFor(source.geometry, 5);
  const options = { version: 'bench', uidRoot: '1.2.826.0.1.3680043.10.1234' };
  const segOptions = { softwareVersion: 'bench' };
  const algorithm = { name: 'Nidus CTP', version: 'bench', family: code('123110', 'DCM', 'Artificial Intelligence') };

  console.log(`grid ${SIZE} x ${SIZE} x ${SLICES}, ${RUNS} runs, medians`);
  const segMs = await timed(RUNS, () =>
    buildSegmentation(
      {
        source: source.datasets[0],
        geometry: source.geometry,
        algorithm,
        segments: [
          {
            SegmentLabel: 'core',
            category: Codes.MorphologicallyAlteredStructure,
            type: Codes.Infarct,
            displayColorRgb: [255, 0, 255],
            mask: result.maps.coreMask,
          },
          {
            SegmentLabel: 'hypo',
            category: Codes.MorphologicallyAlteredStructure,
            type: Codes.Ischemia,
            displayColorRgb: [0, 255, 0],
            mask: result.maps.hypoperfusionMask,
          },
        ],
      },
      segOptions,
    ),
  );
  console.log(`SEG build            ${segMs.toFixed(1)} ms`);
  const srMs = await timed(RUNS, () =>
    buildMeasurementReport(
      {
        source: source.datasets[0],
        algorithm,
        observer: { uid: '1.2.3', name: 'bench' },
        imageLibrary: source.geometry.slices.map((s) => ({ ...s, SeriesInstanceUID: source.SeriesInstanceUID })),
        groups: [{ trackingIdentifier: 'x', measurements: [{ concept: Codes.Volume, value: 12.5, unit: Codes.Milliliter }] }],
      },
      segOptions,
    ),
  );
  console.log(`SR build             ${srMs.toFixed(1)} ms`);
  const renderMs = await timed(RUNS, () =>
    renderCtpSummarySlice({
      maps: result.maps,
      summary: result.summary,
      z: SLICES >> 1,
      PixelSpacing: [0.45, 0.45],
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      sliceLabel: 'bench',
      version: 'bench',
      anatomy: volume.data.subarray(0, SIZE * SIZE),
    }),
  );
  console.log(`summary render/slice ${renderMs.toFixed(1)} ms`);
  let built = await buildCtpResults(result, volume, source.datasets, options);
  const totalMs = await timed(RUNS, async () => {
    built = await buildCtpResults(result, volume, source.datasets, options);
  });
  const bytes = built.objects.reduce((s, o) => s + o.bytes.length, 0);
  console.log(
    `buildCtpResults      ${totalMs.toFixed(1)} ms  (${built.objects.length} objects, ${(bytes / 1e6).toFixed(1)} MB; SEG ${(built.seg.length / 1e3).toFixed(0)} kB)`,
  );

  const orthanc = await startOrthanc({ aet: 'PACS' });
  try {
    const objects = built.objects.map((o) => ({ SOPInstanceUID: o.SOPInstanceUID, bytes: o.bytes }));
    const stow = new StowRsTarget({ id: 'stow', baseUrl: orthanc.dicomWebUrl });
    const stowMs = await timed(RUNS, async () => {
      const outcomes = await stow.deliver(objects);
      if (outcomes.some((o) => o.outcome !== 'delivered')) throw new Error(JSON.stringify(outcomes));
    });
    console.log(`STOW-RS to Orthanc   ${stowMs.toFixed(1)} ms  (${(bytes / 1e6 / (stowMs / 1000)).toFixed(0)} MB/s)`);
    const dimse = new CStoreTarget({ id: 'dimse', host: '127.0.0.1', port: orthanc.dicomPort, calledAETitle: 'PACS', callingAETitle: 'NIDUS' });
    const dimseMs = await timed(RUNS, async () => {
      const outcomes = await dimse.deliver(objects);
      if (outcomes.some((o) => o.outcome !== 'delivered')) throw new Error(JSON.stringify(outcomes));
    });
    console.log(`C-STORE to Orthanc   ${dimseMs.toFixed(1)} ms  (${(bytes / 1e6 / (dimseMs / 1000)).toFixed(0)} MB/s)`);
    // reference: dcmtk's storescu sending the same files to the same Orthanc
    const dir = mkdtempSync(join(tmpdir(), 'nidus-bench-'));
    try {
      const files = objects.map((o, i) => {
        const f = join(dir, `${i}.dcm`);
        writeFileSync(f, o.bytes);
        return f;
      });
      const storescuMs = await timed(RUNS, () => {
        const r = spawnSync('storescu', ['-R', '-aec', 'PACS', '127.0.0.1', String(orthanc.dicomPort), ...files], {
          env: { ...process.env, TCP_NODELAY: '1' },
        });
        if (r.status !== 0) throw new Error(String(r.stderr));
      });
      console.log(`storescu (reference) ${storescuMs.toFixed(1)} ms  (${(bytes / 1e6 / (storescuMs / 1000)).toFixed(0)} MB/s)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await orthanc.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
