import type { ResultObject } from '@nidus/analysis';
import {
  buildMeasurementReport,
  buildSecondaryCapture,
  buildSegmentation,
  deriveUid,
  type BuiltSegmentation,
  type DicomDataset,
  type Measurement as SrMeasurement,
  type QualitativeEvaluation,
  type SourceSlices,
  type VolumetricGroup,
} from '@nidus/dicom';
import type { FindingsManifest, ModelResult } from '@nidus/inference';
import { ModelCodes } from '../model-codes';
import type { ModelAnalysisResult } from '../model-result';
import { renderKeyImage } from './key-image.renderer';

/** The purpose the key image's UID derives from (buildSecondaryCapture's `sc-instance-<instanceKey>`). */
export const KEY_IMAGE_PURPOSE = 'sc-instance-key';

export interface ModelResultsOptions {
  /** Nidus version: SoftwareVersions */
  version: string;
  uidRoot?: string;
  /** stable per analysis run: re-running makes the same UIDs */
  uidSeed?: string;
  deviceName?: string;
}

export interface ModelResults {
  /** in the order to send them: the SEG before the SR that references it */
  objects: ResultObject[];
  keyImage: ResultObject;
  warnings: string[];
}

/** The source slices of a run's masks, when the images have the Image Plane module a SEG needs (PS3.3 C.7.6.2). */
function sourceSlices(run: ModelResult, byUid: ReadonlyMap<string, DicomDataset>, SeriesInstanceUID: string): SourceSlices | string {
  const g = run.geometry;
  if (!g.ImageOrientationPatient || !g.spacingMm) return 'the images have no Image Plane module (orientation, position, spacing): no SEG';
  const slices = g.SOPInstanceUIDs.map((uid) => {
    const ds = byUid.get(uid)!;
    const position = ds.numbers('ImagePositionPatient');
    return { SOPInstanceUID: uid, SOPClassUID: ds.string('SOPClassUID')!, ImagePositionPatient: position as unknown as [number, number, number] };
  });
  if (slices.some((s) => s.ImagePositionPatient.length !== 3)) return 'an image has no ImagePositionPatient: no SEG';
  if (!byUid.get(g.SOPInstanceUIDs[0])!.string('FrameOfReferenceUID')) return 'the images have no FrameOfReferenceUID: no SEG';
  const thickness = Number(byUid.get(g.SOPInstanceUIDs[0])!.string('SliceThickness'));
  return {
    SeriesInstanceUID,
    Rows: g.rows,
    Columns: g.columns,
    ImageOrientationPatient: g.ImageOrientationPatient,
    PixelSpacing: [g.spacingMm[1], g.spacingMm[0]],
    SliceThickness: thickness > 0 ? thickness : g.spacingMm[2],
    slices,
  };
}

/**
 * The DICOM results of one findings model run: a SEG of its classes' masks on the source slices (segmentation models
 * on images with an Image Plane module), a TID 1500 SR with every finding (Present / Absent with its probability) and
 * measurement (UCUM) referencing the source images and the SEG's segments, and a key image with the masks drawn and
 * NOT FOR DIAGNOSTIC USE. The numbers are the result JSON's.
 */
export async function buildModelResults(input: {
  manifest: FindingsManifest;
  run: ModelResult;
  result: ModelAnalysisResult;
  /** the source images (any order) */
  datasets: readonly DicomDataset[];
  keySlice: number;
  options: ModelResultsOptions;
}): Promise<ModelResults> {
  const { manifest, run, result, options } = input;
  const byUid = new Map(input.datasets.map((ds) => [ds.string('SOPInstanceUID')!, ds]));
  const source = byUid.get(run.geometry.SOPInstanceUIDs[0]) ?? input.datasets[0];
  const SeriesInstanceUID = source.string('SeriesInstanceUID')!;
  const deviceName = options.deviceName ?? 'NIDUS';
  const algorithm = { name: manifest.id, version: manifest.version };
  const common = {
    softwareVersion: options.version,
    uidRoot: options.uidRoot,
    uidSeed: options.uidSeed,
    deviceSerialNumber: deviceName,
    manufacturerModelName: `Nidus ${manifest.id}`.slice(0, 64),
  };
  const now = new Date();
  const warnings: string[] = [];
  const objects: ResultObject[] = [];
  const description = (what: string) => `${manifest.id} ${what}`.toUpperCase().slice(0, 64);

  // 1. SEG of the masks, on the source slices
  let seg: BuiltSegmentation | undefined;
  if (run.task === 'segmentation') {
    const geometry = sourceSlices(run, byUid, SeriesInstanceUID);
    if (typeof geometry === 'string') warnings.push(geometry);
    else {
      seg = buildSegmentation(
        {
          source,
          geometry,
          algorithm: { name: manifest.id, version: manifest.version, family: ModelCodes.ArtificialIntelligence, source: manifest.authors },
          ContentLabel: manifest.id.replace(/[^A-Za-z0-9]/g, '_').slice(0, 16),
          ContentDescription: manifest.description.slice(0, 64),
          segments: run.segments.map((s, i) => ({
            SegmentLabel: result.masks[i].label,
            SegmentDescription: `${manifest.id} ${manifest.version} class ${s.index}`,
            category: result.masks[i].category,
            type: result.masks[i].type,
            displayColorRgb: s.colour,
            mask: s.mask,
          })),
        },
        { ...common, seriesDescription: description('SEG'), seriesNumber: 9921, now },
      );
      objects.push({ ...seg, kind: 'seg' });
    }
  }

  // 2. SR: findings with their probabilities, measurements with units, references
  const measurementsOf = (key: string): SrMeasurement[] =>
    result.measurements.filter((m) => m.key === key && m.value !== null).map((m) => ({ concept: m.code, value: m.value, unit: m.unit }));
  const evaluations: QualitativeEvaluation[] = result.findings.map((f) => ({
    concept: f.code,
    code: f.present ? ModelCodes.Present : ModelCodes.Absent,
    properties: f.probability === null || f.probability === undefined ? [] : [{ concept: ModelCodes.Probability, value: f.probability, unit: ModelCodes.Unity }],
  }));
  const volumetricGroups: VolumetricGroup[] = seg
    ? result.masks.map((m, i) => ({
        trackingIdentifier: `${manifest.id} ${m.key}`.slice(0, 64),
        segmentNumber: seg!.segmentNumbers[i],
        finding: m.type,
        measurements: measurementsOf(m.key),
      }))
    : [];
  const groups = seg
    ? []
    : result.findings
        .filter((f) => measurementsOf(f.key).length)
        .map((f) => ({ trackingIdentifier: `${manifest.id} ${f.key}`.slice(0, 64), finding: f.code, measurements: measurementsOf(f.key) }));
  const sr = buildMeasurementReport(
    {
      source,
      algorithm,
      observer: { uid: deriveUid(`device-observer/${deviceName}`, options.uidRoot), name: deviceName, modelName: `Nidus ${manifest.id}`.slice(0, 64) },
      imageLibrary: run.geometry.SOPInstanceUIDs.map((uid) => ({ SOPClassUID: byUid.get(uid)!.string('SOPClassUID')!, SOPInstanceUID: uid, SeriesInstanceUID })),
      segmentation: seg,
      sourceSeriesInstanceUID: seg ? SeriesInstanceUID : undefined,
      volumetricGroups,
      groups,
      qualitativeEvaluations: evaluations,
    },
    { ...common, seriesDescription: description('REPORT'), seriesNumber: 9922, now },
  );
  objects.push({ ...sr, kind: 'sr' });

  // 3. the key image
  const z = input.keySlice;
  const plane = run.geometry.rows * run.geometry.columns;
  const image = byUid.get(run.geometry.SOPInstanceUIDs[z]) ?? source;
  const lines = [
    `NIDUS ${manifest.id} ${manifest.version}${run.geometry.slices > 1 ? ` | image ${z + 1} of ${run.geometry.slices}` : ''}`,
    ...result.findings.map((f) => {
      const volume = result.measurements.find((m) => m.key === f.key && m.quantity === 'volumeMl')?.value;
      const p = f.probability === null || f.probability === undefined ? '' : `, probability ${f.probability.toFixed(2)}`;
      return `${f.code.CodeMeaning}: ${f.present ? 'present' : 'absent'}${p}${volume === null || volume === undefined ? '' : `, ${volume.toFixed(1)} mL`}`;
    }),
  ];
  const picture = await renderKeyImage({
    image,
    // the runner's decoded pixels of that image, when it is the one the run read
    stored: run.geometry.SOPInstanceUIDs[z] === image.string('SOPInstanceUID') ? run.storedSlices[z] : undefined,
    masks: run.task === 'segmentation' ? run.segments.map((s) => ({ mask: s.mask.subarray(z * plane, (z + 1) * plane), colour: s.colour })) : [],
    lines,
    footer: `research output of Nidus ${options.version}`,
  });
  const sc = buildSecondaryCapture(
    {
      source,
      Rows: picture.rows,
      Columns: picture.columns,
      frames: [picture.rgb],
      instanceKey: 'key',
      ImageComments: lines.join('\n'),
      BodyPartExamined: source.string('BodyPartExamined') ?? undefined,
    },
    { ...common, seriesDescription: description('KEY IMAGE'), seriesNumber: 9923, now },
  );
  const keyImage: ResultObject = { ...sc, kind: 'sc' };
  objects.push(keyImage);
  return { objects, keyImage, warnings };
}
