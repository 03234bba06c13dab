// A/B of two builds of the CT perfusion analysis on one clinical-size series: the 640-file phantom of
// perfusion-e2e (512 x 512 x 16 x 40, non-uniform, 10 HU noise) is written once, then each build's
// `perfusion-e2e.js --child` runs on it in turn (A, B, A, B, ...), each in a fresh process. Reports the
// median wall, CPU and stage times per build, B / A, and whether the two builds' summaries are identical.
// CPU time (Linux) is the fairer peer when other work shares the cores.
// The reference build, e.g. of commit REV: git archive REV | tar -x -C /tmp/ref && ln -s "$PWD/node_modules" /tmp/ref/
// && (cd /tmp/ref && npx tsc -p tsconfig.build.json). Both builds' perfusion-e2e must take `--child <dir>`.
// Run: npm run build && node dist/bench/perfusion-ab.js --a /tmp/ref/dist [--b dist] [--runs 5] [--no-spinning]
// --no-spinning is handed to both builds' children (a build that does not know it ignores it).
import './register-aliases';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writePhantomSeries } from '@nidus/testing';
import { e2ePhantom } from './perfusion-e2e-phantom';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

interface Run {
  wall: number;
  /** CPU seconds of the child process (all its threads), NaN where /proc is missing */
  cpu: number;
  timings: Record<string, number>;
  summary: unknown;
  maxRssMb: number;
}

/** CPU seconds (user + system) of this process's waited-for children so far: fields cutime and cstime of /proc/self/stat (proc(5)), in ticks of 1/100 s. */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function main() {
  const a = option('--a');
  if (!a) throw new Error('--a <dist directory of the reference build> is required');
  const builds = { A: resolve(a), B: resolve(option('--b', join(__dirname, '..'))!) };
  const runs = Number(option('--runs', '5'));
  const spinning = args.includes('--no-spinning') ? ['--no-spinning'] : [];
  const directory = mkdtempSync(join(tmpdir(), 'nidus-ctp-ab-'));
  const phantom = e2ePhantom();
  writePhantomSeries(phantom.volume, directory);
  const results: Record<'A' | 'B', Run[]> = { A: [], B: [] };
  for (let r = 0; r < runs; r++) {
    for (const name of ['A', 'B'] as const) {
      const before = childrenCpuSeconds();
      const out = execFileSync(process.execPath, [join(builds[name], 'bench', 'perfusion-e2e.js'), '--child', directory, ...spinning], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      results[name].push({ ...JSON.parse(out.trim().split('\n').pop()!), cpu: childrenCpuSeconds() - before });
      process.stderr.write(`${name} run ${r + 1}: ${results[name][r].wall.toFixed(2)} s, CPU ${results[name][r].cpu.toFixed(2)} s\n`);
    }
  }
  rmSync(directory, { recursive: true, force: true });
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];
  console.log(`A = ${builds.A}\nB = ${builds.B}\n${runs} alternating runs each, ${require('node:os').cpus().length} CPUs\n`);
  console.log('| measure | A median | B median | B / A |');
  console.log('| --- | --- | --- | --- |');
  const row = (name: string, pick: (run: Run) => number, unit: string) => {
    const ma = median(results.A.map(pick));
    const mb = median(results.B.map(pick));
    console.log(`| ${name} | ${ma.toFixed(2)} ${unit} | ${mb.toFixed(2)} ${unit} | ${(mb / ma).toFixed(2)} |`);
  };
  row('wall time', (run) => run.wall, 's');
  row('CPU time (whole child)', (run) => run.cpu, 's');
  row('peak RSS', (run) => run.maxRssMb, 'MB');
  for (const stage of Object.keys(results.A[0].timings)) row(`stage: ${stage}`, (run) => run.timings[stage] ?? NaN, 's');
  const same = [...results.A, ...results.B].every((run) => JSON.stringify(run.summary) === JSON.stringify(results.A[0].summary));
  console.log(`\nsummaries of all runs identical: ${same ? 'yes' : 'NO'}`);
}

main();
