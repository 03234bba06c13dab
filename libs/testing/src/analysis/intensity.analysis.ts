import { readFileSync } from 'node:fs';
import {
  ANALYSIS_RESULT_SCHEMA,
  AnalysisInputError,
  type Analysis,
  type AnalysisInput,
  type AnalysisProvider,
  type AnalysisResult,
  type AnalysisRun,
  type SeriesSummary,
} from '@nidus/analysis';
import type { Route } from '@nidus/config';
import { buildMeasurementReport, code, Codes, DicomError, deriveUid, readPart10, type DicomDataset } from '@nidus/dicom';
import { applyModalityLut, decodeFrame, modalityLutOf } from '@nidus/imaging';

/** The result of the intensity analysis: the common shape, nothing of its own. */
export type IntensityResult = AnalysisResult;

export const MEAN_INTENSITY = code('MEANINT', '99NIDUS', 'Mean intensity');
export const BRIGHT_SPOT = code('BRIGHT', '99NIDUS', 'Bright spot');

/**
 * A second analysis, for tests: the mean modality value of a series and whether any pixel exceeds a threshold.
 * It lives in its own folder and implements only the Analysis contract, to show that an analysis plugs in with no
 * change anywhere else (the pipeline, alerts, API and result delivery take it as they take CT perfusion).
 */
export class IntensityAnalysis implements Analysis<IntensityResult> {
  readonly id = 'intensity';
  readonly title = 'Intensity (test analysis)';
  readonly version = '1';
  readonly model = null;
  readonly level = 'series' as const;
  readonly defaultRoutes: Route[];

  constructor(private readonly options: { threshold: number; modality?: string; nidusVersion?: string; uidRoot?: string }) {
    this.defaultRoutes = [{ name: 'intensity', match: { Modality: [options.modality ?? 'CT'] }, analysis: this.id, priority: 'routine' }];
  }

  accepts(series: SeriesSummary) {
    return series.instanceCount > 0 ? ({ accepted: true } as const) : ({ accepted: false, reason: 'no images' } as const);
  }

  async run(input: AnalysisInput): Promise<AnalysisRun<IntensityResult>> {
    const paths = input.series.flatMap((s) => s.paths);
    let sum = 0;
    let count = 0;
    let max = -Infinity;
    let source: DicomDataset | undefined;
    try {
      for (const path of paths) {
        const ds = readPart10(readFileSync(path));
        source ??= ds;
        const values = applyModalityLut((await decodeFrame(ds)).pixels, modalityLutOf(ds));
        for (const v of values) {
          sum += v;
          if (v > max) max = v;
        }
        count += values.length;
      }
    } catch (error) {
      if (error instanceof DicomError) throw new AnalysisInputError(error.name, error.message, { cause: error });
      throw error;
    }
    if (!source || count === 0) throw new AnalysisInputError('NoImagesError', 'the series has no pixels');
    const mean = Math.round((sum / count) * 1000) / 1000;
    const present = max > this.options.threshold;
    const result: IntensityResult = {
      schema: ANALYSIS_RESULT_SCHEMA,
      analysis: { id: this.id, title: this.title, version: this.version },
      model: null,
      source: {
        StudyInstanceUID: input.StudyInstanceUID,
        series: input.series.map((s) => ({
          SeriesInstanceUID: s.SeriesInstanceUID,
          SeriesDescription: source!.string('SeriesDescription') ?? null,
          instances: s.paths.length,
        })),
      },
      findings: [{ key: 'bright', code: BRIGHT_SPOT, present }],
      measurements: [{ key: 'intensity', quantity: 'mean', code: MEAN_INTENSITY, value: mean, unit: code('1', 'UCUM', 'no units') }],
      masks: [],
      warnings: [],
      timings: {},
    };
    const header = source;
    const buildObjects = async () => {
      const sr = buildMeasurementReport(
        {
          source: header,
          algorithm: { name: 'Nidus intensity', version: this.version },
          observer: { uid: deriveUid('device-observer/NIDUS', this.options.uidRoot), name: 'NIDUS' },
          imageLibrary: [
            {
              SOPClassUID: header.string('SOPClassUID')!,
              SOPInstanceUID: header.string('SOPInstanceUID')!,
              SeriesInstanceUID: header.string('SeriesInstanceUID')!,
            },
          ],
          groups: [{ trackingIdentifier: 'Mean intensity', measurements: [{ concept: MEAN_INTENSITY, value: mean, unit: code('1', 'UCUM', 'no units') }] }],
          qualitativeEvaluations: [{ concept: BRIGHT_SPOT, code: present ? Codes.Yes : Codes.No }],
        },
        {
          softwareVersion: this.options.nidusVersion ?? 'test',
          uidRoot: this.options.uidRoot,
          uidSeed: input.uidSeed,
          seriesDescription: 'NIDUS INTENSITY REPORT',
          seriesNumber: 9911,
        },
      );
      return [{ ...sr, kind: 'sr' as const }];
    };
    return { result, buildObjects };
  }

  view(result: IntensityResult) {
    const mean = result.measurements.find((m) => m.key === 'intensity')?.value ?? null;
    const bright = result.findings.find((f) => f.key === 'bright')?.present ?? null;
    return {
      title: this.title,
      summary: `${bright ? 'bright spot' : 'no bright spot'}; mean ${mean}`,
      fields: [
        { key: 'measurements.intensity.mean', label: 'Mean intensity', value: mean },
        { key: 'findings.bright.present', label: 'Bright spot', value: bright },
      ],
      keyImage: null,
    };
  }
}

/** The intensity analysis as an installable provider (tests pass it beside INSTALLED_ANALYSES). */
export function intensityAnalyses(options: { threshold: number; modality?: string }): AnalysisProvider {
  return {
    name: 'intensity',
    provide: (environment) => ({ analyses: [new IntensityAnalysis({ ...options, nidusVersion: environment.nidusVersion, uidRoot: environment.uidRoot })] }),
  };
}

/** An analysis that only routes (for tests of routing and completion): it refuses what `accepts` refuses and never runs. */
export function routingOnlyAnalysis(id: string, defaultRoutes: Route[], accepts: Analysis['accepts'] = () => ({ accepted: true })): Analysis {
  return {
    id,
    title: id,
    version: '1',
    model: null,
    level: 'series',
    defaultRoutes,
    accepts,
    run: async () => {
      throw new Error(`${id} is a routing-only test analysis`);
    },
    view: () => ({ title: id, summary: id, fields: [], keyImage: null }),
  };
}
