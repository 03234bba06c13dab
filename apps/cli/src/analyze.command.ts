import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis, AnalysisResult, AnalysisRegistry, ResultObject, ResultView, SeriesSummary } from '@nidus/analysis';
import { AnalysisInputError } from '@nidus/analysis';
import { openAnalyses } from '@nidus/analyses';
import { loadConfig, nidusVersion } from '@nidus/config';
import type { DicomDataset } from '@nidus/dicom';
import { readHeader } from '@nidus/imaging';
import { routesFor, summarizeSeries } from '@nidus/series';
import { collectDicomFiles } from './dicom-files';

export interface AnalyzeOptions {
  json?: boolean;
  out?: string;
  series?: string;
  analysis?: string;
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

interface SeriesFiles {
  summary: SeriesSummary;
  paths: string[];
}

/** The files grouped by series, each summarized as routing sees it. */
function seriesOf(files: string[]): SeriesFiles[] {
  const groups = new Map<string, { headers: DicomDataset[]; paths: string[] }>();
  for (const path of files) {
    const header = readHeader(path);
    const uid = header.string('SeriesInstanceUID') ?? '';
    const group = groups.get(uid) ?? { headers: [], paths: [] };
    group.headers.push(header);
    group.paths.push(path);
    groups.set(uid, group);
  }
  return [...groups].map(([SeriesInstanceUID, g]) => ({
    summary: summarizeSeries({ StudyInstanceUID: g.headers[0].string('StudyInstanceUID') ?? '', SeriesInstanceUID }, g.headers),
    paths: g.paths,
  }));
}

interface Planned {
  analysis: Analysis;
  /** one series; for a study-level analysis, every series of the study it takes */
  series: SeriesFiles[];
}

/**
 * What runs on which series: the analysis named, or else the analyses the routes send each series to, or else
 * (files given by hand rarely carry the descriptions routes look for) every analysis that accepts it.
 */
function plan(registry: AnalysisRegistry, routes: ReturnType<AnalysisRegistry['routes']>, all: SeriesFiles[], options: AnalyzeOptions): Planned[] {
  const series = options.series === undefined ? all : all.filter((s) => s.summary.SeriesInstanceUID === options.series);
  if (series.length === 0) throw new AnalysisFailedError(`series ${options.series} is not among the files`);
  if (options.analysis !== undefined) {
    const analysis = registry.get(options.analysis);
    const accepted = series.filter((s) => analysis.accepts(s.summary).accepted).sort((a, b) => b.paths.length - a.paths.length);
    if (accepted.length === 0) throw new AnalysisFailedError(`analysis failed: ${refusals([analysis], series)}`);
    return [{ analysis, series: analysis.level === 'study' ? accepted : [accepted[0]] }];
  }
  const planned: Planned[] = [];
  for (const s of series) {
    const routed = routesFor(s.summary, routes).map((r) => registry.get(r.analysis));
    const analyses = routed.length ? routed : registry.list().filter((a) => a.accepts(s.summary).accepted);
    for (const analysis of analyses) {
      // a study-level analysis runs once per study, on all of its series that come to it
      const same =
        analysis.level === 'study' && planned.find((p) => p.analysis === analysis && p.series[0].summary.StudyInstanceUID === s.summary.StudyInstanceUID);
      if (same) same.series.push(s);
      else planned.push({ analysis, series: [s] });
    }
  }
  if (planned.length === 0) throw new AnalysisFailedError(`analysis failed: ${refusals(registry.list(), series)}`);
  return planned;
}

function refusals(analyses: Analysis[], series: SeriesFiles[]): string {
  const reasons = series.flatMap((s) =>
    analyses.map((a) => {
      const acceptance = a.accepts(s.summary);
      return `${a.title}: ${acceptance.accepted ? 'not routed here' : acceptance.reason}`;
    }),
  );
  return `no installed analysis takes ${series.length === 1 ? 'the series' : `any of the ${series.length} series`} (${[...new Set(reasons)].join('; ')})`;
}

function formatValue(value: ResultView['fields'][number]['value'], unit?: string): string {
  if (value === null) return 'n/a';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return unit === 'mL' ? `${value.toFixed(1)} mL` : `${value}${unit ? ` ${unit}` : ''}`;
  return value;
}

/** The human summary of one run: what was analysed, the analysis's fields, its warnings. */
export function humanSummary(view: ResultView, result: AnalysisResult, written: string | null): string {
  const s = result.source.series[0];
  const width = Math.max(28, ...view.fields.map((f) => f.label.length + 2));
  const lines = [
    `Nidus ${view.title}: ${s?.SeriesDescription ?? s?.SeriesInstanceUID ?? ''} (${s?.instances ?? 0} images)`,
    `  ${view.summary}`,
    ...view.fields.map((f) => `  ${f.label.padEnd(width)} ${formatValue(f.value, f.unit)}`),
    ...result.warnings.map((w) => `  warning: ${w}`),
  ];
  if (written) lines.push(`  results written to ${written}`);
  lines.push('  Not for diagnostic use without review by a qualified physician.');
  return lines.join('\n') + '\n';
}

/** `nidus analyze`: runs the analyses that apply to the files, in this process (no Redis, no database). */
export async function analyze(paths: string[], options: AnalyzeOptions, env: Record<string, string | undefined>): Promise<void> {
  const config = loadConfig(env);
  const { files } = collectDicomFiles(paths);
  if (files.length === 0) throw new AnalysisFailedError(`no DICOM files in ${paths.join(', ')}`);
  const installed = openAnalyses({ nidusVersion: nidusVersion(), modelsDir: config.modelsDir, uidRoot: config.uidRoot, inference: config.inference });
  const outputs: { result: AnalysisResult; view: ResultView; written: string | null }[] = [];
  const failures: string[] = [];
  try {
    const runs = plan(installed.registry, installed.registry.routes(config.routes), seriesOf(files), options);
    for (const { analysis, series } of runs) {
      const bar = progressBar(!options.json && process.stderr.isTTY === true);
      try {
        const run = await analysis.run({
          StudyInstanceUID: series[0].summary.StudyInstanceUID,
          series: series.map((s) => ({ SeriesInstanceUID: s.summary.SeriesInstanceUID, paths: s.paths })),
          onProgress: (stage, fraction) => bar.update(stage, fraction),
        });
        let written: string | null = null;
        if (options.out) {
          written = join(options.out, analysis.id);
          writeResults(written, run.result, await run.buildObjects());
        }
        outputs.push({ result: run.result, view: analysis.view(run.result), written });
      } catch (error) {
        if (!(error instanceof AnalysisInputError)) throw error;
        failures.push(`${analysis.title}: ${error.message}`);
      } finally {
        bar.done();
      }
    }
  } finally {
    await installed.close();
  }
  if (options.json) {
    const results = outputs.map((o) => o.result);
    if (results.length) process.stdout.write(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
  } else {
    for (const o of outputs) process.stdout.write(humanSummary(o.view, o.result, o.written));
  }
  if (failures.length) throw new AnalysisFailedError(`analysis failed: ${failures.join('; ')}`);
}

function writeResults(dir: string, result: AnalysisResult, objects: ResultObject[]): void {
  mkdirSync(dir, { recursive: true });
  for (const o of objects) writeFileSync(join(dir, `${o.kind}-${o.SOPInstanceUID}.dcm`), o.bytes);
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
}
