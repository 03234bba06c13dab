// End to end on a clinical-size series: analyzeCtpFiles on a 512 x 512, 16-slice, 40-time-point phantom
// (640 Part 10 files written to a temp directory, read back from disk), ONNX deconvolution on onnxruntime.
// Each run is a fresh child process, so its peak RSS is the analysis's alone; reports the median wall
// time, the stage times and the volumes against the phantom's truth.
// Run: npm run build && node dist/bench/perfusion-e2e.js [--runs 5] [--keep] [--no-spinning]
// --no-spinning: onnxruntime's intra-op threads do not spin while they wait (OnnxSessionOptions.intraOpSpinning).
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { analyzeCtpFiles } from '@nidus/analyses/ctp';
import { writePhantomSeries } from '@nidus/testing';
import { e2ePhantom } from './perfusion-e2e-phantom';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

async function child(directory: string, spinning: boolean): Promise<void> {
  const paths = readdirSync(directory)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => join(directory, n));
  const sessions = new OnnxSessionRepository({ intraOpSpinning: spinning });
  const deconvolver = new OnnxDeconvolver(new ModelRegistry(join(__dirname, '..', '..', 'models')), sessions);
  const start = performance.now();
  const { result, timings } = await analyzeCtpFiles(paths, { deconvolver });
  const wall = (performance.now() - start) / 1000;
  await sessions.release();
  process.stdout.write(JSON.stringify({ wall, timings, summary: result.summary, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

async function main() {
  const spinning = !args.includes('--no-spinning');
  if (args[0] === '--child') return child(args[1], spinning);
  const runs = option('--runs', 5);
  const directory = mkdtempSync(join(tmpdir(), 'nidus-ctp-e2e-'));
  process.stderr.write('generating the 512 x 512 x 16 x 40 phantom...\n');
  const phantom = e2ePhantom();
  const files = writePhantomSeries(phantom.volume, directory);
  const truth = phantom.truth.volumes;
  writeFileSync(join(directory, 'truth.json'), JSON.stringify(truth));
  process.stderr.write(`wrote ${files.paths.length} files to ${directory}\n`);
  const results: { wall: number; timings: Record<string, number>; summary: Record<string, unknown>; maxRssMb: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(process.execPath, [__filename, '--child', directory, ...(spinning ? [] : ['--no-spinning'])], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    results.push(JSON.parse(out.trim().split('\n').pop()!));
    process.stderr.write(`run ${r + 1}: ${results[r].wall.toFixed(2)} s, peak RSS ${results[r].maxRssMb.toFixed(0)} MB\n`);
  }
  if (!args.includes('--keep')) rmSync(directory, { recursive: true, force: true });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const stages = Object.keys(results[0].timings);
  console.log(
    `analyzeCtpFiles, 640 files (512 x 512 x 16 slices x 40 time points, non-uniform, 10 HU noise), ${runs} runs, ${require('node:os').cpus().length} CPUs\n`,
  );
  console.log('| measure | median | min | max |');
  console.log('| --- | --- | --- | --- |');
  const row = (name: string, values: number[], unit: string, digits = 2) =>
    console.log(
      `| ${name} | ${median(values).toFixed(digits)} ${unit} | ${Math.min(...values).toFixed(digits)} ${unit} | ${Math.max(...values).toFixed(digits)} ${unit} |`,
    );
  row(
    'wall time',
    results.map((r) => r.wall),
    's',
  );
  row(
    'peak RSS',
    results.map((r) => r.maxRssMb),
    'MB',
    0,
  );
  for (const stage of stages)
    row(
      `stage: ${stage}`,
      results.map((r) => r.timings[stage]),
      's',
    );
  const s = results[0].summary as Record<string, number | string | null | object>;
  console.log('\n| volume | estimate | truth |');
  console.log('| --- | --- | --- |');
  for (const key of ['coreVolumeMl', 'hypoperfusionVolumeMl', 'tmax10VolumeMl', 'mismatchVolumeMl'] as const) {
    console.log(`| ${key} | ${(s[key] as number).toFixed(1)} | ${(truth[key] as number).toFixed(1)} |`);
  }
  console.log(`| affectedHemisphere | ${s.affectedHemisphere} | ${phantom.truth.affectedHemisphere} |`);
  console.log(`| eligibility | ${JSON.stringify(s.eligibility)} | ${JSON.stringify(phantom.truth.eligibility)} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
