// MR stroke analysis of one study, the issue 16 target: a 20-slice x 60-time-point 128 x 128 DSC series and a
// 20-slice diffusion series (b = 0 and b = 1000, 128 x 128), written as Part 10 files and read back from disk, through
// analyzeMrStrokeFiles (diffusion core, DSC perfusion on onnxruntime, registration, mismatch). Each run is a fresh
// child process, so its peak RSS is the analysis's alone. Beside it, in the same run, the CT perfusion bench's
// figure can be taken with `node dist/bench/perfusion-e2e.js` (its own phantom, 512 x 512 x 16 x 40).
// Run: npm run build && node dist/bench/mr-stroke.js [--runs 5] [--seed 9101]
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMrStrokeFiles } from '@nidus/analyses/mr-stroke';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { generateMrStrokePhantom, writeMrStudy } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

async function child(directory: string): Promise<void> {
  const paths = readdirSync(directory)
    .filter((n) => n.endsWith('.dcm'))
    .map((n) => join(directory, n));
  const sessions = new OnnxSessionRepository();
  const deconvolver = new OnnxDeconvolver(new ModelRegistry(join(__dirname, '..', '..', 'models')), sessions);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const analysed = await analyzeMrStrokeFiles(paths, { deconvolver });
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await sessions.release();
  process.stdout.write(
    JSON.stringify({
      wall,
      cpu: (used.user + used.system) / 1e6,
      timings: analysed.timings,
      figures: analysed.figures,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }) + '\n',
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main() {
  if (args[0] === '--child') return child(args[1]);
  const runs = option('--runs', 5);
  const seed = option('--seed', 9101);
  const directory = mkdtempSync(join(tmpdir(), 'nidus-mr-stroke-bench-'));
  process.stderr.write('generating the 20-slice MR stroke phantom (DSC 128 x 128 x 60, diffusion 128 x 128)...\n');
  const phantom = generateMrStrokePhantom({
    seed,
    lesion: { side: 'left' },
    slices: 20,
    dsc: { columns: 128, timePoints: 60, repetitionSeconds: 1.5 },
    dwi: { columns: 128 },
  });
  const written = writeMrStudy(phantom, directory, { bValues: 'siemens' });
  writeFileSync(join(directory, 'truth.json'), JSON.stringify({ ...phantom.truth, perfusion: undefined, coreMask: undefined }));
  process.stderr.write(`${written.paths.length} files\n`);
  const results: { wall: number; cpu: number; timings: Record<string, number>; figures: Record<string, unknown>; maxRssMb: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(process.execPath, [__filename, '--child', directory], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    results.push(JSON.parse(out.trim().split('\n').pop()!));
    process.stderr.write(`run ${r + 1}: ${results[r].wall.toFixed(2)} s, ${results[r].maxRssMb.toFixed(0)} MB\n`);
  }
  const walls = results.map((r) => r.wall);
  const stages = Object.keys(results[0].timings);
  console.log(`MR stroke, ${written.paths.length} files, median of ${runs}`);
  console.log(
    `wall ${median(walls).toFixed(2)} s (range ${Math.min(...walls).toFixed(2)}-${Math.max(...walls).toFixed(2)}), CPU ${median(results.map((r) => r.cpu)).toFixed(2)} s, peak RSS ${median(results.map((r) => r.maxRssMb)).toFixed(0)} MB`,
  );
  for (const stage of stages) console.log(`  ${stage}: ${median(results.map((r) => r.timings[stage] ?? 0)).toFixed(2)} s`);
  const t = phantom.truth;
  const f = results[0].figures as {
    coreVolumeMl: number;
    hypoperfusionVolumeMl: number;
    tmax10VolumeMl: number;
    affectedHemisphere: string;
    eligibility: object;
  };
  console.log(
    `estimate / truth: core ${f.coreVolumeMl.toFixed(1)} / ${t.coreVolumeMl.toFixed(1)} mL, Tmax > 6 s ${f.hypoperfusionVolumeMl.toFixed(1)} / ${t.hypoperfusionVolumeMl!.toFixed(1)} mL, Tmax > 10 s ${f.tmax10VolumeMl.toFixed(1)} / ${t.tmax10VolumeMl!.toFixed(1)} mL, side ${f.affectedHemisphere} / ${t.affectedHemisphere}, eligibility ${JSON.stringify(f.eligibility)} / ${JSON.stringify(t.eligibility)}`,
  );
  if (!args.includes('--keep')) rmSync(directory, { recursive: true, force: true });
}

void main();
