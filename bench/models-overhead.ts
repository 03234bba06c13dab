// What Nidus adds around a findings model: per-study wall time of ModelRunner.run (parse, decode, declared
// preprocessing, the run on the session pool, output checks and postprocessing), and of the whole analysis
// (ModelAnalysis.run on the files, then its SEG, SR and key image), against the bare session.run of the same model
// on the same tensor, in the same process and the same run; medians of --runs.
// Each case runs in a child process of its own, so that its peak RSS is its own.
// Run: npm run build && node dist/bench/models-overhead.js [--runs 7] [--peer <another build's dist>]
import './register-aliases';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisRegistry } from '@nidus/analysis';
import { modelAnalyses } from '@nidus/analyses/models';
import { readPart10, writePart10, type DicomElements } from '../libs/dicom/src';
import {
  InferenceEngine,
  inputBatches,
  ModelRegistry,
  ModelRunner,
  OnnxSessionRepository,
  preprocess,
  readModelSource,
  type FindingsManifest,
} from '../libs/inference/src';
import { syntheticBrainMr, syntheticHeadCt, syntheticRadiograph } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(option('--runs', '7'));
const MODELS = join(__dirname, '..', '..', 'models');

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Case {
  name: string;
  model: string;
  target?: number;
  files: () => Buffer[];
}

const CASES: Case[] = [
  {
    name: 'radiograph 2000 x 2400 (MONOCHROME1), demo-cxr-opacity',
    model: 'demo-cxr-opacity',
    target: 300,
    files: () => [
      writePart10(syntheticRadiograph({ PhotometricInterpretation: 'MONOCHROME1', opacity: { x: 600, y: 1000, radiusPx: 100, contrast: 0.25 } }).elements),
    ],
  },
  {
    name: 'head CT 24 x 512 x 512, demo-ct-hyperdensity',
    model: 'demo-ct-hyperdensity',
    target: 1000,
    files: () => syntheticHeadCt({ blob: { centreMm: [20, 15, 5], radiiMm: [16, 12, 11] } }).images.map((e: DicomElements) => writePart10(e)),
  },
  {
    name: 'brain MR 28 x 256 x 256, demo-mr-lesion (3D)',
    model: 'demo-mr-lesion',
    files: () => syntheticBrainMr({ lesion: { centreMm: [25, 10, 20], radiiMm: [9, 7, 8] } }).images.map((e: DicomElements) => writePart10(e)),
  },
];

async function measure(c: Case): Promise<Record<string, number>> {
  const files = c.files();
  const registry = new ModelRegistry(MODELS);
  const sessions = new OnnxSessionRepository({ intraOpNumThreads: 1 });
  const runner = new ModelRunner(registry, sessions);
  const manifest = registry.get(c.model).manifest as FindingsManifest;
  const { bytes } = registry.load(c.model);
  // the same tensors, for the bare runs: onnxruntime in this thread, no pool
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const batches = inputBatches(
    manifest,
    preprocess(
      manifest,
      await readModelSource(
        c.model,
        files.map((f) => readPart10(f)),
        manifest.consumes,
      ),
    ),
  );
  // the analysis reads its series from files, as the worker does
  const dir = mkdtempSync(join(tmpdir(), 'nidus-bench-models-'));
  const paths = files.map((f, i) => {
    const path = join(dir, `${i}.dcm`);
    writeFileSync(path, f);
    return path;
  });
  const first = readPart10(files[0]);
  const inference = new InferenceEngine(MODELS, { intraOpNumThreads: 1 });
  const analysis = AnalysisRegistry.build([modelAnalyses], { nidusVersion: 'bench', inference }).get(c.model);
  const analysisInput = {
    StudyInstanceUID: first.string('StudyInstanceUID')!,
    series: [{ SeriesInstanceUID: first.string('SeriesInstanceUID')!, paths }],
    uidSeed: 'bench',
  };
  const through: number[] = [];
  const bare: number[] = [];
  const whole: number[] = [];
  const objects: number[] = [];
  const objectsCpuMs: number[] = [];
  const analysisCpuOverheadMs: number[] = [];
  const stages: Record<string, number[]> = { decodeMs: [], preprocessMs: [], inferenceMs: [], postprocessMs: [], overheadCpuMs: [] };
  for (let r = 0; r < RUNS + 1; r++) {
    let t = performance.now();
    const bareCpu = process.cpuUsage();
    for (const b of batches) await session.run({ [b.name]: new ort.Tensor('float32', b.data, b.dims) });
    const bareCpuUsage = process.cpuUsage(bareCpu);
    const bareMs = performance.now() - t;
    t = performance.now();
    const result = await runner.run(
      c.model,
      files.map((f) => readPart10(f)),
    );
    const throughMs = performance.now() - t;
    t = performance.now();
    const analysisCpu = process.cpuUsage();
    const run = await analysis.run(analysisInput);
    const cpu = process.cpuUsage();
    await run.buildObjects();
    const objectsCpu = process.cpuUsage(cpu);
    const analysisCpuUsage = process.cpuUsage(analysisCpu);
    const analysisMs = performance.now() - t;
    if (r === 0) continue; // warm-up: sessions opened, code compiled
    bare.push(bareMs);
    through.push(throughMs);
    whole.push(analysisMs);
    objects.push(run.result.timings.objects * 1000);
    objectsCpuMs.push((objectsCpu.user + objectsCpu.system) / 1000);
    // CPU of every thread of the process (the pool's included) over the whole analysis, less that of the bare run
    analysisCpuOverheadMs.push((analysisCpuUsage.user + analysisCpuUsage.system - bareCpuUsage.user - bareCpuUsage.system) / 1000);
    for (const [k, v] of Object.entries(result.timings)) stages[k].push(v);
  }
  await session.release();
  await sessions.release();
  await inference.close();
  rmSync(dir, { recursive: true, force: true });
  const out: Record<string, number> = {
    throughMs: median(through),
    bareMs: median(bare),
    analysisMs: median(whole),
    objectsMs: median(objects),
    objectsCpuMs: median(objectsCpuMs),
    analysisCpuOverheadMs: median(analysisCpuOverheadMs),
  };
  for (const [k, v] of Object.entries(stages)) out[k] = median(v);
  out.overheadMs = out.throughMs - out.bareMs;
  out.analysisOverheadMs = out.analysisMs - out.bareMs;
  out.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return out;
}

async function main(): Promise<void> {
  const only = option('--case', '');
  if (only) {
    process.stdout.write(JSON.stringify(await measure(CASES[Number(only)])) + '\n');
    return;
  }
  process.stdout.write(`models overhead, ${RUNS} runs each (median), intra-op threads 1\n\n`);
  process.stdout.write(
    '| case | analysis with objects (ms) | ModelRunner (ms) | bare session.run (ms) | analysis overhead (ms) | runner overhead (ms) | target | runner overhead CPU (ms) | decode | preprocess | pool run | postprocess | objects | objects CPU (ms) | analysis overhead CPU (ms) | peak RSS (MB) |\n',
  );
  process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  // --peer <dist>: the same cases through another build (e.g. main's, `npx tsc -p tsconfig.build.json --outDir <dist>` with
  // this file's compiled copy in <dist>/bench), each case run by both in turn so that both see the same load
  const peer = option('--peer', '');
  const versions = peer ? [['this', __filename] as const, ['peer', join(peer, 'bench', 'models-overhead.js')] as const] : [['', __filename] as const];
  for (let i = 0; i < CASES.length; i++) {
    for (const [label, script] of versions) {
      const child = spawnSync(process.execPath, [script, '--case', String(i), '--runs', String(RUNS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) throw new Error(`case ${CASES[i].name} (${label || 'this'}) failed: ${child.stderr}`);
      const m = JSON.parse(child.stdout.trim().split('\n').pop()!);
      const f = (v: number) => v.toFixed(0);
      process.stdout.write(
        `| ${CASES[i].name}${label ? ` (${label})` : ''} | ${f(m.analysisMs)} | ${f(m.throughMs)} | ${f(m.bareMs)} | **${f(m.analysisOverheadMs)}** | ${f(m.overheadMs)} | ${CASES[i].target ? '<= ' + CASES[i].target : '-'} | ${f(m.overheadCpuMs)} | ${f(m.decodeMs)} | ${f(m.preprocessMs)} | ${f(m.inferenceMs)} | ${f(m.postprocessMs)} | ${f(m.objectsMs)} | ${f(m.objectsCpuMs)} | ${m.analysisCpuOverheadMs === undefined ? '-' : f(m.analysisCpuOverheadMs)} | ${f(m.peakRssMb)} |\n`,
      );
    }
  }
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error) + '\n');
  process.exit(1);
});
