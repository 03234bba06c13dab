import {
  buildMeasurementReport,
  buildSecondaryCapture,
  buildSegmentation,
  code,
  CodedConcept,
  Codes,
  deriveUid,
  InvalidAttributeError,
  Measurement,
  QualitativeEvaluation,
  ResultObjectOptions,
  resultUid,
  SopClass,
  SourceHeader,
  SourceSlices,
  sourceString,
} from '@nidus/dicom';
import type { ResultObject } from '@nidus/analysis';
import type { Volume4D } from '@nidus/imaging';
import type { PerfusionResult } from '@nidus/perfusion';
import { CORE_RGB, HYPOPERFUSION_RGB } from './ctp-colour-maps';
import { renderCtpMosaic } from './ctp-mosaic.renderer';
import { buildCtpParametricMaps } from './ctp-parametric-maps';
import { renderCtpQualityPage } from './ctp-qc.renderer';
import { renderCtpSummarySlice } from './ctp-summary.renderer';
import { summaryLines } from './ctp-summary-text';
import { CTP_RESULT_LABELS, type PerfusionResultLabels } from './perfusion-result-labels';

const DIVIDE_BY_ZERO = code('114003', 'DCM', 'Divide by zero');
/** The Algorithm Family of the CTP segments (PS3.16 CID 7162 is extensible; no standard code fits deconvolution + thresholds). */
export const CTP_ALGORITHM_FAMILY: CodedConcept = CTP_RESULT_LABELS.algorithmFamily;
export const CTP_ALGORITHM_NAME = CTP_RESULT_LABELS.algorithmName;

/** The geometry part of a Volume4D; `data` (HU) is optional and, when given, drawn under the summary maps. */
export type CtpSourceVolume = Pick<
  Volume4D,
  'rows' | 'columns' | 'slices' | 'spacingMm' | 'ImageOrientationPatient' | 'ImagePositionPatient' | 'SOPInstanceUIDs'
> &
  Partial<Pick<Volume4D, 'data' | 'timePoints'>>;

export interface CtpResultsOptions {
  /** Nidus version: SoftwareVersions, algorithm version */
  version: string;
  /** root for the new UIDs */
  uidRoot?: string;
  /** stable per analysis (e.g. the analysis id): re-running makes the same UIDs, so the PACS gets no duplicates */
  uidSeed?: string;
  contentQualification?: ResultObjectOptions['contentQualification'];
  /** this installation's name: DeviceSerialNumber, and the SR's Device Observer */
  deviceName?: string;
  institutionName?: string;
  /** the time point whose images the SEG and SR reference (default 0) */
  referenceTimeIndex?: number;
  /** summary image panel size in pixels (default 320) */
  panelSize?: number;
  /** what the objects call the algorithm, series and core (default CTP_RESULT_LABELS) */
  labels?: PerfusionResultLabels;
}

export interface CtpResults {
  seg: Buffer;
  sr: Buffer;
  summary: Buffer[];
  /** the quality-control page (Secondary Capture, series 9904) */
  quality: Buffer;
  /** Tmax, rCBF, CBF, CBV and MTT as Parametric Maps (series 9905) */
  maps: Buffer[];
  /** the same objects with their UIDs, in the order to send them (SEG before the SR that references it) */
  objects: ResultObject[];
}

/**
 * The DICOM results of one CT perfusion analysis: a SEG of the core and the Tmax > 6 s region, a TID 1500 SR with
 * the numbers of the JSON (same values, UCUM units), one summary Secondary Capture per slice, a quality page, and the
 * perfusion maps as Parametric Maps.
 * `sources` are the source images' headers (any of the series; those of the reference time point give each slice's
 * SOP Class); the first carries the Patient, Study and Frame of Reference that the results copy.
 */
export async function buildCtpResults(
  result: PerfusionResult,
  volume: CtpSourceVolume,
  sources: readonly SourceHeader[],
  options: CtpResultsOptions,
): Promise<CtpResults> {
  const { maps, summary } = result;
  const labels = options.labels ?? CTP_RESULT_LABELS;
  if (maps.rows !== volume.rows || maps.columns !== volume.columns || maps.slices !== volume.slices) {
    throw new InvalidAttributeError(
      'Rows',
      `maps ${maps.slices}x${maps.rows}x${maps.columns} are not on the source grid ${volume.slices}x${volume.rows}x${volume.columns}`,
    );
  }
  if (sources.length === 0) throw new InvalidAttributeError('StudyInstanceUID', 'no source header to copy Patient and Study from');
  const t = options.referenceTimeIndex ?? 0;
  const uids = volume.SOPInstanceUIDs[t];
  if (!uids || uids.length !== volume.slices) throw new InvalidAttributeError('SOPInstanceUID', `time point ${t} has no SOP Instance UID per slice`);
  const source = sources[0];
  const SeriesInstanceUID = sourceString(source, 'SeriesInstanceUID');
  if (!SeriesInstanceUID) throw new InvalidAttributeError('SeriesInstanceUID', 'the source header has none');

  const classByInstance = new Map<string, string>();
  for (const s of sources) {
    const uid = sourceString(s, 'SOPInstanceUID');
    const cls = sourceString(s, 'SOPClassUID');
    if (uid && cls) classByInstance.set(uid, cls);
  }
  const defaultClass = sourceString(source, 'SOPClassUID') ?? SopClass.CTImageStorage;
  const thickness = Number(sourceString(source, 'SliceThickness'));
  const geometry: SourceSlices = {
    SeriesInstanceUID,
    Rows: volume.rows,
    Columns: volume.columns,
    ImageOrientationPatient: volume.ImageOrientationPatient,
    PixelSpacing: [volume.spacingMm[1], volume.spacingMm[0]],
    SliceThickness: thickness > 0 ? thickness : volume.spacingMm[2],
    slices: uids.map((SOPInstanceUID, z) => ({
      SOPInstanceUID,
      SOPClassUID: classByInstance.get(SOPInstanceUID) ?? defaultClass,
      ImagePositionPatient: volume.ImagePositionPatient[z],
    })),
  };

  const deviceName = options.deviceName ?? 'NIDUS';
  const common = {
    softwareVersion: options.version,
    uidRoot: options.uidRoot,
    uidSeed: options.uidSeed,
    contentQualification: options.contentQualification,
    deviceSerialNumber: deviceName,
    institutionName: options.institutionName,
    manufacturerModelName: labels.algorithmName,
  };
  const now = new Date();

  // 1. SEG: core and hypoperfusion, the regions the volumes measure
  const seg = buildSegmentation(
    {
      source,
      geometry,
      algorithm: { name: labels.algorithmName, version: options.version, family: labels.algorithmFamily },
      ContentLabel: labels.contentLabel,
      ContentDescription: labels.contentDescription,
      segments: [
        {
          SegmentLabel: 'Ischemic core',
          SegmentDescription: labels.coreDescription,
          category: Codes.MorphologicallyAlteredStructure,
          type: Codes.Infarct,
          anatomicRegion: Codes.Brain,
          displayColorRgb: CORE_RGB,
          mask: maps.coreMask,
        },
        {
          SegmentLabel: 'Hypoperfusion',
          SegmentDescription: 'Tmax > 6 s',
          category: Codes.MorphologicallyAlteredStructure,
          type: Codes.Ischemia,
          anatomicRegion: Codes.Brain,
          displayColorRgb: HYPOPERFUSION_RGB,
          mask: maps.hypoperfusionMask,
        },
      ],
    },
    { ...common, seriesDescription: `${labels.seriesPrefix} SEG`, seriesNumber: 9901, now },
  );

  // 2. SR: the numbers of the JSON, with units and thresholds, referencing the SEG segments
  const volumeMeasurement = (value: number, threshold?: Measurement['derivationParameters']): Measurement => ({
    concept: Codes.Volume,
    value,
    unit: Codes.Milliliter,
    derivationParameters: threshold,
  });
  const ratio = (concept: CodedConcept, value: number | null): Measurement => ({ concept, value, unit: Codes.Ratio, nullReason: DIVIDE_BY_ZERO });
  const evaluations: QualitativeEvaluation[] = [
    { concept: Codes.Defuse3Eligible, code: summary.eligibility.defuse3 ? Codes.Yes : Codes.No },
    { concept: Codes.ExtendEligible, code: summary.eligibility.extend ? Codes.Yes : Codes.No },
    ...(summary.affectedHemisphere ? [{ concept: Codes.Laterality, code: summary.affectedHemisphere === 'left' ? Codes.Left : Codes.Right }] : []),
    ...summary.warnings.map((text) => ({ concept: Codes.AnalysisWarning, text })),
  ];
  const sr = buildMeasurementReport(
    {
      source,
      algorithm: { name: labels.algorithmName, version: options.version },
      observer: { uid: deriveUid(`device-observer/${deviceName}`, options.uidRoot), name: deviceName, modelName: labels.algorithmName },
      imageLibrary: geometry.slices.map((s) => ({ SOPClassUID: s.SOPClassUID, SOPInstanceUID: s.SOPInstanceUID, SeriesInstanceUID })),
      segmentation: seg,
      sourceSeriesInstanceUID: SeriesInstanceUID,
      volumetricGroups: [
        {
          trackingIdentifier: labels.coreTrackingIdentifier,
          segmentNumber: seg.segmentNumbers[0],
          finding: Codes.Infarct,
          findingSite: Codes.Brain,
          measurements: [volumeMeasurement(summary.coreVolumeMl, labels.coreThreshold)],
        },
        {
          trackingIdentifier: 'Hypoperfusion (Tmax > 6 s)',
          segmentNumber: seg.segmentNumbers[1],
          finding: Codes.Ischemia,
          findingSite: Codes.Brain,
          measurements: [volumeMeasurement(summary.hypoperfusionVolumeMl, [{ concept: Codes.TmaxThreshold, value: 6, unit: Codes.Second }])],
        },
      ],
      groups: [
        {
          trackingIdentifier: 'Severe hypoperfusion (Tmax > 10 s)',
          finding: Codes.Ischemia,
          measurements: [
            volumeMeasurement(summary.tmax10VolumeMl, [{ concept: Codes.TmaxThreshold, value: 10, unit: Codes.Second }]),
            ratio(Codes.HypoperfusionIntensityRatio, summary.hypoperfusionIntensityRatio),
          ],
        },
        {
          trackingIdentifier: 'Mismatch',
          finding: Codes.PerfusionMismatch,
          measurements: [volumeMeasurement(summary.mismatchVolumeMl), ratio(Codes.MismatchRatio, summary.mismatchRatio)],
        },
      ],
      qualitativeEvaluations: evaluations,
    },
    { ...common, seriesDescription: `${labels.seriesPrefix} REPORT`, seriesNumber: 9902, now },
  );

  // 3. Summary images, one per slice, in one series
  const lines = summaryLines(summary, labels.coreSummaryLabel).join('\n');
  const summaryOptions = { ...common, seriesDescription: `${labels.seriesPrefix} SUMMARY`, seriesNumber: 9903, now };
  const summaries: ResultObject[] = [];
  let sharedSeries: string | undefined; // the first image makes the series UID (seeded or new), the others join it
  const pixels = volume.rows * volume.columns;
  for (let z = 0; z < volume.slices; z++) {
    const anatomy = volume.data ? volume.data.subarray((t * volume.slices + z) * pixels, (t * volume.slices + z + 1) * pixels) : undefined;
    const image = await renderCtpSummarySlice({
      maps,
      summary,
      z,
      PixelSpacing: geometry.PixelSpacing,
      ImageOrientationPatient: volume.ImageOrientationPatient,
      sliceLabel: `slice ${z + 1} of ${volume.slices}, z = ${volume.ImagePositionPatient[z][2].toFixed(1)} mm`,
      version: options.version,
      anatomy,
      panelSize: options.panelSize,
      labels,
    });
    const sc = buildSecondaryCapture(
      {
        source,
        Rows: image.rows,
        Columns: image.columns,
        frames: [image.rgb],
        InstanceNumber: z + 1,
        ImageComments: lines,
        SeriesInstanceUID: sharedSeries,
      },
      summaryOptions,
    );
    sharedSeries = sc.SeriesInstanceUID;
    summaries.push({ ...sc, kind: 'sc' });
  }

  // 4. The mosaic: every slice with its core and Tmax > 6 s on one image, InstanceNumber 0 of the summary series
  const mosaic = await renderCtpMosaic({
    maps,
    summary,
    PixelSpacing: geometry.PixelSpacing,
    ImageOrientationPatient: volume.ImageOrientationPatient,
    slicePositionsMm: volume.ImagePositionPatient.map((p) => p[2]),
    version: options.version,
    voxelVolumeMl: (volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2]) / 1000,
    anatomy: volume.data ? volume.data.subarray(t * volume.slices * pixels, (t + 1) * volume.slices * pixels) : undefined,
  });
  const mosaicSc = buildSecondaryCapture(
    {
      source,
      Rows: mosaic.rows,
      Columns: mosaic.columns,
      frames: [mosaic.rgb],
      InstanceNumber: 0,
      instanceKey: 'mosaic',
      ImageComments: lines,
      SeriesInstanceUID: sharedSeries,
    },
    summaryOptions,
  );
  summaries.push({ ...mosaicSc, kind: 'sc' });

  // 5. The quality page beside the maps: AIF and VOF with their locations, motion per image, the checks
  const page = await renderCtpQualityPage(result, options.version);
  const qc = buildSecondaryCapture(
    {
      source,
      Rows: page.rows,
      Columns: page.columns,
      frames: [page.rgb],
      InstanceNumber: 1,
      // its own series and instance: the summary images' UIDs derive from the same seed
      instanceKey: 'qc',
      SeriesInstanceUID: resultUid(common, 'qc-series'),
      ImageComments: [`Quality: ${result.quality.confidence}`, ...result.quality.problems].join('\n'),
    },
    { ...common, seriesDescription: 'NIDUS CTP QC', seriesNumber: 9904, now },
  );
  const quality: ResultObject = { ...qc, kind: 'sc' };

  // 6. The maps themselves (Parametric Maps): what the review page and a viewer colour and probe over the images
  const parametric = buildCtpParametricMaps(maps, source, geometry, { ...common, seriesDescription: `${labels.seriesPrefix} MAPS`, now });

  const objects: ResultObject[] = [{ ...seg, kind: 'seg' }, { ...sr, kind: 'sr' }, ...summaries, quality, ...parametric];
  return { seg: seg.bytes, sr: sr.bytes, summary: summaries.map((s) => s.bytes), quality: qc.bytes, maps: parametric.map((m) => m.bytes), objects };
}
