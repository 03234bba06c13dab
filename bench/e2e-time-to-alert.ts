// End to end, time to alert: the 640-image perfusion phantom (512x512, 16 slices x 40 time points) sent by
// storescu (TCP_NODELAY=1) to `nidus serve`; from storescu's exit (the last instance acknowledged by Nidus) until a
// loopback webhook (the stroke team's pager, signed, answered 200) receives the alert. Two ways a series counts
// as complete: the default quiet period (STABLE_AFTER_SECONDS unset: 10 s), and the full grid announced by
// NumberOfTemporalPositions (phantom written with TemporalPositionIdentifier). Also the stages and the peak RSS of
// the `nidus serve` process (gateway + worker). No delivery targets: the alert path alone.
// Run: npm run build && node dist/bench/e2e-time-to-alert.js [--runs 3] [--mode quiet|expected-count|both]
import './register-aliases';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushRedisDatabase, redisUrlForDatabase, storescu, waitUntil, WebhookReceiver, writeNidusConfig } from '@nidus/testing';
import { benchPhantom, median, option, readRunFacts, stageTable, startService } from './e2e-harness';

const args = process.argv.slice(2);
const RUNS = option(args, '--runs', 3);
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both';
const MODES = (modeArg === 'both' ? ['quiet', 'expected-count'] : [modeArg]) as Mode[];
const REDIS_DB = 8; // this bench's own Redis database
const TARGET_SECONDS = 20;
const SECRET = 'bench-e2e-alert-secret-0123456789';
const log = (line: string) => process.stderr.write(`${line}\n`);

type Mode = 'quiet' | 'expected-count';

interface Run {
  seconds: number;
  peakRssMiB: number;
  stages: Record<string, number>;
  timings: Record<string, number>;
}

async function oneRun(mode: Mode, index: number): Promise<Run> {
  if (!['quiet', 'expected-count'].includes(mode)) throw new Error(`--mode: quiet, expected-count or both, got ${mode}`);
  const phantom = benchPhantom(mode === 'expected-count', log);
  await flushRedisDatabase(REDIS_DB);
  const work = mkdtempSync(join(tmpdir(), 'nidus-bench-e2e-alert-'));
  const receiver = await WebhookReceiver.start({ secret: SECRET });
  try {
    const config = writeNidusConfig(work, {
      alerts: {
        teams: [{ id: 'stroke', name: 'Stroke team', onCall: [{ name: 'stroke-pager', url: receiver.url('/page'), secret: SECRET, ackTimeoutSeconds: 300 }] }],
      },
    });
    // STABLE_AFTER_SECONDS not set: the shipped default quiet period
    const service = await startService({ DATA_DIR: join(work, 'data'), REDIS_URL: redisUrlForDatabase(REDIS_DB), NIDUS_CONFIG: config });
    try {
      const sent = await storescu({ port: service.dicomPort, calledAETitle: 'NIDUS', callingAETitle: 'CT_SCANNER', files: phantom.files, timeoutMs: 300_000 });
      const sentAtWall = Date.now() - (performance.now() - sent.exitedAt);
      const page = await waitUntil('the alert webhook', () => receiver.calls('/page')[0], 300_000, 10);
      if (!page.signatureValid) throw new Error('alert signature did not verify');
      if (page.json?.study?.SeriesInstanceUID !== phantom.SeriesInstanceUID) throw new Error('alert for another series');
      const peakRssMiB = service.peakRssMiB();
      const facts = readRunFacts(service.dataDir, phantom.SeriesInstanceUID);
      const pageAtWall = page.receivedAt.getTime();
      const stages = {
        'storescu exit -> series complete': (facts.analysisQueuedAt - sentAtWall) / 1000,
        'queued -> analysis started': (facts.analysisStartedAt - facts.analysisQueuedAt) / 1000,
        'analysis (load, perfusion, result objects)': (facts.analysisFinishedAt - facts.analysisStartedAt) / 1000,
        'analysis done -> webhook received': (pageAtWall - facts.analysisFinishedAt) / 1000,
      };
      const run = { seconds: (page.at - sent.exitedAt) / 1000, peakRssMiB, stages, timings: facts.timings };
      log(
        `${mode} run ${index + 1}: alert ${run.seconds.toFixed(2)} s after storescu exit (send ${(sent.ms / 1000).toFixed(2)} s); peak RSS ${peakRssMiB.toFixed(0)} MiB; ${page.json.summary}`,
      );
      const code = await service.stop();
      if (code !== 0) log(`nidus serve exited ${code}`);
      return run;
    } catch (error) {
      log(service.stderr().slice(-3000));
      await service.stop();
      throw error;
    }
  } finally {
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results = new Map<Mode, Run[]>();
  for (const mode of MODES) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(mode, i));
    results.set(mode, runs);
  }
  console.log(`\n## Time to alert (640 images, storescu exit -> signed webhook answered 200), median of ${RUNS}\n`);
  console.log('| series complete by | median | min | max | nidus serve peak RSS (median) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [mode, runs] of results) {
    const s = runs.map((r) => r.seconds);
    const label = mode === 'quiet' ? 'quiet period (default 10 s)' : 'full grid (NumberOfTemporalPositions)';
    console.log(
      `| ${label} | ${median(s).toFixed(2)} s | ${Math.min(...s).toFixed(2)} s | ${Math.max(...s).toFixed(2)} s | ${median(runs.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
    );
  }
  for (const [mode, runs] of results) {
    console.log(`\nStages, ${mode}:\n\n${stageTable(runs.map((r) => r.stages))}`);
    console.log(`\nAnalysis timings (result JSON), ${mode}:\n\n${stageTable(runs.map((r) => r.timings))}`);
  }
  for (const [mode, runs] of results) {
    const m = median(runs.map((r) => r.seconds));
    console.log(`\n${mode}: target < ${TARGET_SECONDS} s ${m < TARGET_SECONDS ? 'met' : 'NOT met'} (median ${m.toFixed(2)} s)`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
