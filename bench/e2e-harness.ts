// Shared parts of the end-to-end benches (bench/e2e-time-to-results.ts, bench/e2e-time-to-alert.ts): the
// 640-image phantom (written once, reused), `nidus serve` started from dist/, facts read back from its SQLite
// database, peak RSS, medians. Runs from dist/bench (npm run build).
import './register-aliases';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, generateHeadPhantom, uniformSamplingTimes, writePhantomSeries } from '@nidus/testing';

/** The repository root: the directory holding bin/nidus.js (this file runs from dist/bench). */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bin', 'nidus.js')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`bin/nidus.js not found above ${from}`);
  }
}

export const PHANTOM = { columns: 512, rows: 512, slices: 16, timePoints: 40, intervalSeconds: 1.5, seed: 7, side: 'left' as const, noiseHu: 6 };

export interface BenchPhantom {
  directory: string;
  /** sorted: time point after time point, slice after slice (the order a scanner sends) */
  files: string[];
  bytes: number;
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  truth: Record<string, unknown>;
}

/**
 * The 640-image perfusion phantom (512x512, 16 slices x 40 time points, left lesion), written once into the
 * temp directory and reused by later runs; `temporalPositions` also writes TemporalPositionIdentifier and
 * NumberOfTemporalPositions, so the series announces its size.
 */
export function benchPhantom(temporalPositions: boolean, log: (line: string) => void = () => undefined): BenchPhantom {
  const key = `${PHANTOM.columns}x${PHANTOM.rows}x${PHANTOM.slices}x${PHANTOM.timePoints}-s${PHANTOM.seed}-${temporalPositions ? 'tp' : 'notp'}`;
  const directory = join(tmpdir(), `nidus-e2e-phantom-${key}`);
  const manifest = join(directory, 'phantom.json');
  if (!existsSync(manifest)) {
    const started = performance.now();
    log(`writing the ${PHANTOM.slices * PHANTOM.timePoints}-image phantom into ${directory} ...`);
    const partial = `${directory}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    const phantom = generateHeadPhantom({
      seed: PHANTOM.seed,
      columns: PHANTOM.columns,
      rows: PHANTOM.rows,
      slices: PHANTOM.slices,
      timesSeconds: uniformSamplingTimes(PHANTOM.timePoints, PHANTOM.intervalSeconds),
      noiseHu: PHANTOM.noiseHu,
      lesion: { side: PHANTOM.side },
    });
    const series = writePhantomSeries(phantom.volume, join(partial, 'images'), { temporalPositions, PatientName: 'BENCH^E2E', AccessionNumber: 'BENCH640' });
    writeFileSync(
      join(partial, 'phantom.json'),
      JSON.stringify({ StudyInstanceUID: series.StudyInstanceUID, SeriesInstanceUID: series.SeriesInstanceUID, truth: phantom.truth.volumes }),
    );
    rmSync(directory, { recursive: true, force: true });
    renameSync(partial, directory);
    log(`phantom written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const facts = JSON.parse(readFileSync(manifest, 'utf8')) as Pick<BenchPhantom, 'StudyInstanceUID' | 'SeriesInstanceUID' | 'truth'>;
  const images = join(directory, 'images');
  const files = readdirSync(images)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => join(images, f));
  if (files.length !== PHANTOM.slices * PHANTOM.timePoints) throw new Error(`${directory} holds ${files.length} images; delete it to write it again`);
  return { directory, files, bytes: files.reduce((sum, f) => sum + statSync(f).size, 0), ...facts };
}

export interface RunningService {
  pid: number;
  url: string;
  dicomPort: number;
  dataDir: string;
  stderr: () => string;
  /** peak resident set size so far (VmHWM), MiB */
  peakRssMiB: () => number;
  stop: () => Promise<number | null>;
}

/** VmHWM of a process, MiB (Linux /proc/<pid>/status). */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for ${pid}`);
  return Number(m[1]) / 1024;
}

/** `nidus serve` (gateway and worker in one process) from dist/, waiting for /health/live. */
export async function startService(env: Record<string, string>): Promise<RunningService> {
  const root = projectRoot();
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const dataDir = env.DATA_DIR;
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, [join(root, 'bin', 'nidus.js'), 'serve'], {
    env: { PATH: process.env.PATH, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(httpPort), DICOM_PORT: String(dicomPort), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (stderr.length > 4_000_000) stderr = stderr.slice(-2_000_000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nidus serve exited ${child.exitCode}: ${stderr.slice(-2000)}`);
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nidus serve did not start within 30 s: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    url,
    dicomPort,
    dataDir,
    stderr: () => stderr,
    peakRssMiB: () => peakRssMiB(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      process.removeListener('exit', kill);
      return code;
    },
  };
}

/** What the service recorded about one series, from its SQLite database (epoch ms). */
export interface RunFacts {
  lastReceivedAt: number;
  analysisQueuedAt: number;
  analysisStartedAt: number;
  analysisFinishedAt: number;
  timings: Record<string, number>;
  result: Record<string, unknown>;
  /** the last successful delivery attempt, when results were delivered */
  lastDeliveredAt: number | null;
  deliveredObjects: number;
  /** the first page of the alert, when one was raised */
  alertSentAt: number | null;
}

export function readRunFacts(dataDir: string, SeriesInstanceUID: string): RunFacts {
  const db = new Database(join(dataDir, 'nidus.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const series = db.prepare('SELECT "lastReceivedAt" FROM "series" WHERE "SeriesInstanceUID" = ?').get(SeriesInstanceUID) as
      { lastReceivedAt: number } | undefined;
    const analysis = db
      .prepare(
        'SELECT "id", "status", "queuedAt", "startedAt", "finishedAt", "result" FROM "analysis" WHERE "SeriesInstanceUID" = ? ORDER BY "queuedAt" DESC LIMIT 1',
      )
      .get(SeriesInstanceUID) as { id: string; status: string; queuedAt: number; startedAt: number; finishedAt: number; result: string } | undefined;
    if (!series || !analysis) throw new Error(`no series/analysis recorded for ${SeriesInstanceUID}`);
    if (analysis.status !== 'succeeded') throw new Error(`analysis ${analysis.id} ${analysis.status}`);
    const delivered = db
      .prepare(
        `SELECT MAX(d."at") AS "at", COUNT(*) AS "n" FROM "delivery_attempt" d JOIN "result_object" r ON r."SOPInstanceUID" = d."SOPInstanceUID" WHERE r."analysisId" = ? AND d."outcome" = 'delivered'`,
      )
      .get(analysis.id) as { at: number | null; n: number };
    const alert = db.prepare('SELECT "sentAt" FROM "alert" WHERE "analysisId" = ?').get(analysis.id) as { sentAt: number | null } | undefined;
    const result = JSON.parse(analysis.result) as Record<string, unknown>;
    return {
      lastReceivedAt: Number(series.lastReceivedAt),
      analysisQueuedAt: Number(analysis.queuedAt),
      analysisStartedAt: Number(analysis.startedAt),
      analysisFinishedAt: Number(analysis.finishedAt),
      timings: (result.timings ?? {}) as Record<string, number>,
      result,
      lastDeliveredAt: delivered.at === null ? null : Number(delivered.at),
      deliveredObjects: Number(delivered.n),
      alertSentAt: alert?.sentAt == null ? null : Number(alert.sentAt),
    };
  } finally {
    db.close();
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value)) throw new Error(`${name}: expected a number`);
  return value;
}

/** Median per stage over runs, as markdown rows `| stage | median s | min | max |`. */
export function stageTable(runs: Record<string, number>[]): string {
  const stages = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const rows = stages.map((stage) => {
    const values = runs.map((r) => r[stage]).filter((v) => typeof v === 'number');
    return `| ${stage} | ${median(values).toFixed(2)} | ${Math.min(...values).toFixed(2)} | ${Math.max(...values).toFixed(2)} |`;
  });
  return ['| stage | median s | min s | max s |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
