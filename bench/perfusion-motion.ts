// Cost of the motion-correction stage (libs/perfusion motion.stage.ts) on the clinical-size series of the
// perfusion benches (512 x 512 x 16 x 40, binned to the 128 x 128 analysis grid): the still phantom, and the same
// phantom moved (from the 15th image on: 4 mm, 2.5 degrees; its frames resampled bilinearly on the 512 grid, a known
// transform), `--runs` times each. Peer in the same run: the grid stage (block averaging of the same volume), which
// reads every voxel once. Also prints how far the recovered motion is from the applied one.
// Run: npm run build && node dist/bench/perfusion-motion.js [--runs 7]
import './register-aliases';
import { correctMotion, prepareGrid, resampleStack, resolvePerfusionOptions } from '@nidus/perfusion';
import { e2ePhantom } from './perfusion-e2e-phantom';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 7);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

function main() {
  const settings = resolvePerfusionOptions({});
  const phantom = e2ePhantom();
  const still = phantom.volume;
  const { columns: C, rows: R, slices: S, timePoints: T } = still;
  const voxels = C * R * S;
  const moved = { ...still, data: new Float32Array(still.data) };
  const angle = (2.5 * Math.PI) / 180;
  const centre: [number, number] = [((C - 1) * still.spacingMm[0]) / 2, ((R - 1) * still.spacingMm[1]) / 2];
  for (let t = 14; t < T; t++) {
    const frame = still.data.subarray(t * voxels, (t + 1) * voxels);
    const out = moved.data.subarray(t * voxels, (t + 1) * voxels);
    // the moved image at p shows the still image at R (p - centre) + centre + shift: the head moved by the inverse
    resampleStack(
      { columns: C, rows: R, slices: S, spacingMm: [still.spacingMm[0], still.spacingMm[1]], data: frame },
      { angle, shiftMm: [3, -2.65] },
      centre,
      out,
    );
  }
  const rows: string[] = [];
  for (const [name, volume] of [
    ['still', still],
    ['moved', moved],
  ] as const) {
    const grid = prepareGrid(volume, settings.grid);
    const motionSeconds: number[] = [];
    const gridSeconds: number[] = [];
    let report;
    for (let r = 0; r < runs; r++) {
      let start = performance.now();
      prepareGrid(volume, settings.grid);
      gridSeconds.push((performance.now() - start) / 1000);
      start = performance.now();
      report = correctMotion(grid, settings.motion);
      motionSeconds.push((performance.now() - start) / 1000);
    }
    const m = report!.motion;
    const corrected = m.timePoints.filter((p) => p.corrected).length;
    const last = m.timePoints[T - 1];
    rows.push(
      `| ${name} | ${grid.columns} x ${grid.rows} x ${grid.slices} x ${grid.timePoints} | **${median(motionSeconds).toFixed(3)} s** (${Math.min(...motionSeconds).toFixed(3)}-${Math.max(...motionSeconds).toFixed(3)}) | ${median(gridSeconds).toFixed(3)} s | ${(median(motionSeconds) / median(gridSeconds)).toFixed(2)} | ${corrected} | ${last.shiftMm.toFixed(2)} mm, ${last.rotationDegrees.toFixed(2)} deg |`,
    );
    process.stderr.write(`done ${name}\n`);
  }
  console.log(`Motion-correction stage, ${runs} runs each, median (range); peer: the grid stage on the same volume, same run.`);
  console.log('Applied to the moved series from the 15th image on: -2.5 degrees about the image centre and a shift (the inverse of the resampling).\n');
  console.log('| series | analysis grid | motion stage | grid stage (peer) | motion / grid | images resampled | motion found at the last image |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
}

main();
