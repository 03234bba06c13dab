import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, nidusVersion } from '@nidus/config';
import { CtpContract, InferenceEngine, runCtpAnalysis } from '@nidus/pipeline';
import { collectDicomFiles } from './dicom-files';

export interface AnalyzeOptions {
  json?: boolean;
  out?: string;
  series?: string;
}

/** A failure of the analysis itself (not of the command line): reported as one line, exit 4. */
export class AnalysisFailedError extends Error {
  override name = 'AnalysisFailedError';
}

function progressBar(enabled: boolean) {
  let last = '';
  return {
    update(stage: string, fraction: number) {
      if (!enabled) return;
      const width = 30;
      const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
      const line = `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${stage.padEnd(16)}`;
      if (line !== last) process.stderr.write(line);
      last = line;
    },
    done() {
      if (enabled && last) process.stderr.write('\r' + ' '.repeat(last.length) + '\r');
    },
  };
}

const ml = (v: number) => `${v.toFixed(1)} mL`;
const ratio = (v: number | null) => (v === null ? 'n/a (no core)' : v.toFixed(2));
const yes = (b: boolean) => (b ? 'eligible' : 'not eligible');

export function humanSummary(c: CtpContract, written: string | null): string {
  const s = c.series;
  const lines = [
    `Nidus CT perfusion: ${s.SeriesDescription ?? s.SeriesInstanceUID} (${s.instances} images, ${s.slices} slices x ${s.timePoints} time points)`,
    `  Core (rCBF < 30%)            ${ml(c.coreVolumeMl)}`,
    `  Hypoperfusion (Tmax > 6 s)   ${ml(c.hypoperfusionVolumeMl)}`,
    `  Tmax > 10 s                  ${ml(c.tmax10VolumeMl)}`,
    `  Mismatch                     ${ml(c.mismatchVolumeMl)}, ratio ${ratio(c.mismatchRatio)}`,
    `  Hypoperfusion intensity      ${c.hypoperfusionIntensityRatio === null ? 'n/a' : c.hypoperfusionIntensityRatio.toFixed(2)}`,
    `  Affected hemisphere          ${c.affectedHemisphere ?? 'none'}`,
    `  DEFUSE 3                     ${yes(c.eligibility.defuse3)}`,
    `  EXTEND                       ${yes(c.eligibility.extend)}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
  if (written) lines.push(`  results written to ${written}`);
  lines.push('  Not for diagnostic use without review by a qualified physician.');
  return lines.join('\n') + '\n';
}

/** `nidus analyze`: runs the CT perfusion analysis in this process (no Redis, no database). */
export async function analyze(paths: string[], options: AnalyzeOptions, env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig(env);
  const { files } = collectDicomFiles(paths);
  if (files.length === 0) throw new AnalysisFailedError(`no DICOM files in ${paths.join(', ')}`);
  const bar = progressBar(!options.json && process.stderr.isTTY === true);
  let output;
  const engine = new InferenceEngine(config.modelsDir);
  try {
    output = await runCtpAnalysis(files, engine, {
      version: nidusVersion(),
      withObjects: options.out !== undefined,
      uidRoot: config.uidRoot,
      SeriesInstanceUID: options.series,
      onProgress: (stage, fraction) => bar.update(stage, fraction),
    });
  } catch (error) {
    bar.done();
    const e = error as Error;
    throw new AnalysisFailedError(`analysis failed: ${e.message}`);
  } finally {
    await engine.close();
  }
  bar.done();
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const o of output.objects) writeFileSync(join(options.out, `${o.kind}-${o.SOPInstanceUID}.dcm`), o.bytes);
    writeFileSync(join(options.out, 'result.json'), JSON.stringify(output.contract, null, 2) + '\n');
  }
  process.stdout.write(options.json ? JSON.stringify(output.contract, null, 2) + '\n' : humanSummary(output.contract, options.out ?? null));
}
