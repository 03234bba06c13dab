// End to end, time to results: the 640-image perfusion phantom (512x512, 16 slices x 40 time points, ~335 MB)
// sent by storescu (TCP_NODELAY=1) to `nidus serve`; from storescu's exit (the last instance acknowledged by
// Nidus) until the SEG, the SR and the 16 summary images are all stored in Orthanc (STOW-RS target), with a 5 s
// quiet period. Also the stages, from the service's database and the analysis JSON's timings, and the peak RSS
// of the `nidus serve` process (gateway + worker).
// Run: npm run build && node dist/bench/e2e-time-to-results.js [--runs 3] [--quiet 5]
import './register-aliases';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushRedisDatabase, orthancSeries, orthancStudyId, redisUrlForDatabase, storescu, writeNidusConfig, startOrthanc } from '@nidus/testing';
import { benchPhantom, median, option, PHANTOM, readRunFacts, stageTable, startService } from './e2e-harness';

const args = process.argv.slice(2);
const RUNS = option(args, '--runs', 3);
const QUIET_SECONDS = option(args, '--quiet', 5);
const REDIS_DB = 7; // this bench's own Redis database
const TARGET_SECONDS = 30;
const RESULT_SERIES: Record<string, number> = { 'NIDUS CTP SEG': 1, 'NIDUS CTP REPORT': 1, 'NIDUS CTP SUMMARY': PHANTOM.slices };
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Run {
  totalSeconds: number;
  sendSeconds: number;
  peakRssMiB: number;
  stages: Record<string, number>;
  timings: Record<string, number>;
}

async function oneRun(index: number): Promise<Run> {
  const phantom = benchPhantom(false, log);
  await flushRedisDatabase(REDIS_DB);
  const work = mkdtempSync(join(tmpdir(), 'nidus-bench-e2e-results-'));
  const orthanc = await startOrthanc({ aet: 'PACS' });
  try {
    const config = writeNidusConfig(work, { delivery: { targets: [{ id: 'pacs', type: 'stow-rs', url: orthanc.dicomWebUrl }] } });
    const service = await startService({
      DATA_DIR: join(work, 'data'),
      REDIS_URL: redisUrlForDatabase(REDIS_DB),
      NIDUS_CONFIG: config,
      STABLE_AFTER_SECONDS: String(QUIET_SECONDS),
    });
    try {
      const sent = await storescu({ port: service.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: phantom.files, timeoutMs: 300_000 });
      const sentAtWall = Date.now() - (performance.now() - sent.exitedAt);
      // poll Orthanc until every result series is complete
      let studyId: string | undefined;
      let doneAt = 0;
      for (const deadline = performance.now() + 300_000; performance.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        studyId ??= await orthancStudyId(orthanc, phantom.StudyInstanceUID);
        if (!studyId) continue;
        const series = await orthancSeries(orthanc, studyId);
        const complete = Object.entries(RESULT_SERIES).every(([d, n]) =>
          series.some((s) => s.MainDicomTags.SeriesDescription === d && s.Instances.length >= n),
        );
        if (complete) {
          doneAt = performance.now();
          break;
        }
      }
      if (!doneAt) throw new Error(`results not in Orthanc within 300 s:\n${service.stderr().slice(-3000)}`);
      const peakRssMiB = service.peakRssMiB();
      const facts = readRunFacts(service.dataDir, phantom.SeriesInstanceUID);
      const doneAtWall = Date.now() - (performance.now() - doneAt);
      const stages = {
        'storescu exit -> series complete (quiet period)': (facts.analysisQueuedAt - sentAtWall) / 1000,
        'queued -> analysis started': (facts.analysisStartedAt - facts.analysisQueuedAt) / 1000,
        'analysis (load, perfusion, result objects)': (facts.analysisFinishedAt - facts.analysisStartedAt) / 1000,
        'analysis done -> last object delivered (STOW-RS)': ((facts.lastDeliveredAt ?? NaN) - facts.analysisFinishedAt) / 1000,
        'last delivered -> seen in Orthanc (50 ms polls)': (doneAtWall - (facts.lastDeliveredAt ?? NaN)) / 1000,
      };
      const run = { totalSeconds: (doneAt - sent.exitedAt) / 1000, sendSeconds: sent.ms / 1000, peakRssMiB, stages, timings: facts.timings };
      log(
        `run ${index + 1}: storescu ${run.sendSeconds.toFixed(2)} s for ${phantom.files.length} images; results in Orthanc ${run.totalSeconds.toFixed(2)} s after storescu exit; ` +
          `${facts.deliveredObjects} objects delivered; peak RSS ${peakRssMiB.toFixed(0)} MiB; hypoperfusion ${facts.result.hypoperfusionVolumeMl} mL (truth ${(phantom.truth.hypoperfusionVolumeMl as number).toFixed(1)})`,
      );
      const code = await service.stop();
      if (code !== 0) log(`nidus serve exited ${code}`);
      return run;
    } catch (error) {
      await service.stop();
      throw error;
    }
  } finally {
    await orthanc.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await oneRun(i));
  const phantom = benchPhantom(false);
  const total = median(runs.map((r) => r.totalSeconds));
  console.log(
    `\n## Time to results (${phantom.files.length} images, ${(phantom.bytes / 1e6).toFixed(0)} MB, STOW-RS to Orthanc, quiet period ${QUIET_SECONDS} s), median of ${RUNS}\n`,
  );
  console.log('| measure | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  const row = (name: string, values: number[], unit: string, digits = 2) =>
    console.log(
      `| ${name} | ${median(values).toFixed(digits)} ${unit} | ${Math.min(...values).toFixed(digits)} ${unit} | ${Math.max(...values).toFixed(digits)} ${unit} |`,
    );
  row(
    'storescu exit -> all results in Orthanc',
    runs.map((r) => r.totalSeconds),
    's',
  );
  row(
    'storescu send (640 images)',
    runs.map((r) => r.sendSeconds),
    's',
  );
  row(
    'nidus serve peak RSS (VmHWM)',
    runs.map((r) => r.peakRssMiB),
    'MiB',
    0,
  );
  console.log(`\nStages:\n\n${stageTable(runs.map((r) => r.stages))}`);
  console.log(`\nAnalysis timings (result JSON):\n\n${stageTable(runs.map((r) => r.timings))}`);
  console.log(`\ntarget < ${TARGET_SECONDS} s: ${total < TARGET_SECONDS ? 'met' : 'NOT met'} (median ${total.toFixed(2)} s)`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
