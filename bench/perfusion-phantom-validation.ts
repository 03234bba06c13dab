// How often the analysis meets the phantom tolerances on phantoms it was not tuned on: N head phantoms
// (96 x 96 x 4 slices) with seeds from --from, lesions left/right (one in five healthy), uniform or
// non-uniform sampling, 5-10 HU noise, exponential residues (or --residue mixed). Tolerances: Tmax > 6 s
// within 15 %, core within 30 % or 6 mL, Tmax > 10 s within 35 % or 6 mL, hemisphere and DEFUSE 3 / EXTEND
// verdicts equal to the truth; healthy: core and Tmax > 6 s under 5 mL and not eligible.
// Run: npm run build && node dist/bench/perfusion-phantom-validation.js [--count 30] [--from 30001] [--residue exponential]
import './register-aliases';
import { join } from 'node:path';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { analyzePerfusion } from '@nidus/perfusion';
import { generateHeadPhantom, nonUniformSamplingTimes, SeededRandom, uniformSamplingTimes, type ResidueShape } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

async function main() {
  const count = Number(option('--count', '30'));
  const from = Number(option('--from', '30001'));
  const residue = option('--residue', 'exponential') as ResidueShape | 'mixed';
  const sessions = new OnnxSessionRepository();
  const deconvolver = new OnnxDeconvolver(new ModelRegistry(join(__dirname, '..', '..', 'models')), sessions);
  const fails = { hypo: 0, core: 0, tmax10: 0, side: 0, verdict: 0, any: 0 };
  const errors = { hypo: [] as number[], core: [] as number[], tmax10: [] as number[] };
  const lines: string[] = [];
  for (let k = 0; k < count; k++) {
    const seed = from + k;
    const random = new SeededRandom(seed * 7 + 1);
    const healthy = k % 5 === 4;
    const side = random.next() < 0.5 ? 'left' : 'right';
    const uniform = random.next() < 0.5;
    const noise = Math.round(random.uniform(5, 10) * 10) / 10;
    const times = uniform ? uniformSamplingTimes(30, 2) : nonUniformSamplingTimes(32, random);
    const phantom = generateHeadPhantom({ seed, columns: 96, slices: 4, timesSeconds: times, noiseHu: noise, residue, lesion: healthy ? null : { side } });
    const { summary: s } = await analyzePerfusion(phantom.volume, deconvolver);
    const t = phantom.truth.volumes;
    let ok = true;
    const note: string[] = [];
    if (healthy) {
      if (!(s.coreVolumeMl < 5 && s.hypoperfusionVolumeMl < 5 && !s.eligibility.defuse3 && !s.eligibility.extend))
        ((ok = false), fails.verdict++, note.push('healthy'));
    } else {
      const dh = s.hypoperfusionVolumeMl - t.hypoperfusionVolumeMl;
      const dc = s.coreVolumeMl - t.coreVolumeMl;
      const d10 = s.tmax10VolumeMl - t.tmax10VolumeMl;
      errors.hypo.push(dh / t.hypoperfusionVolumeMl);
      errors.core.push(dc);
      errors.tmax10.push(d10);
      if (Math.abs(dh) > 0.15 * t.hypoperfusionVolumeMl) ((ok = false), fails.hypo++, note.push('Tmax>6'));
      if (Math.abs(dc) > Math.max(6, 0.3 * t.coreVolumeMl)) ((ok = false), fails.core++, note.push('core'));
      if (Math.abs(d10) > Math.max(6, 0.35 * t.tmax10VolumeMl)) ((ok = false), fails.tmax10++, note.push('Tmax>10'));
      if (s.affectedHemisphere !== phantom.truth.affectedHemisphere) ((ok = false), fails.side++, note.push('side'));
      if (s.eligibility.defuse3 !== phantom.truth.eligibility.defuse3 || s.eligibility.extend !== phantom.truth.eligibility.extend)
        ((ok = false), fails.verdict++, note.push('verdict'));
    }
    if (!ok) fails.any++;
    lines.push(
      `| ${seed} | ${healthy ? 'healthy' : side} | ${uniform ? 'uniform' : 'non-uniform'} | ${noise} | ${s.coreVolumeMl.toFixed(1)} / ${t.coreVolumeMl.toFixed(1)} | ${s.hypoperfusionVolumeMl.toFixed(1)} / ${t.hypoperfusionVolumeMl.toFixed(1)} | ${s.tmax10VolumeMl.toFixed(1)} / ${t.tmax10VolumeMl.toFixed(1)} | ${ok ? 'ok' : note.join(', ')} |`,
    );
    process.stderr.write(`${seed} ${ok ? 'ok' : note.join(',')}\n`);
  }
  await sessions.release();
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
  console.log(`${count} phantoms from seed ${from} (${residue} residues): ${count - fails.any} within all tolerances.`);
  console.log(`Failures: Tmax>6 ${fails.hypo}, core ${fails.core}, Tmax>10 ${fails.tmax10}, side ${fails.side}, verdict ${fails.verdict}.`);
  console.log(
    `Mean error over lesions: Tmax>6 ${(100 * mean(errors.hypo)).toFixed(1)} %, core ${mean(errors.core).toFixed(1)} mL, Tmax>10 ${mean(errors.tmax10).toFixed(1)} mL.\n`,
  );
  console.log('| seed | lesion | sampling | noise (HU) | core est / truth (mL) | Tmax>6 est / truth | Tmax>10 est / truth | |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const line of lines) console.log(line);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
