import { InvalidAttributeError } from '../dicom.errors';
import { readPart10 } from '../part10-reader';
import { generateUid } from '../uid';
import { code, Codes } from './coded-concept';
import { dciodvfy, dsrdump, syntheticCtSeries, SyntheticSeries } from '@nidus/testing';
import { buildMeasurementReport, COMPREHENSIVE_3D_SR_STORAGE, MeasurementReportInput } from './measurement-report.builder';
import { SEGMENTATION_STORAGE } from './segmentation.builder';
import { flattenContent as flatten } from './sr-content';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };
const DIVIDE_BY_ZERO = code('114003', 'DCM', 'Divide by zero');

interface Values {
  core: number;
  hypo: number;
  ratio: number | null;
}

function reportInput(source: SyntheticSeries, values: Values) {
  const seg = { SOPClassUID: SEGMENTATION_STORAGE, SOPInstanceUID: generateUid(), SeriesInstanceUID: generateUid() };
  const input: MeasurementReportInput = {
    source: source.datasets[0],
    algorithm: { name: 'Nidus CTP', version: '0.1.0-test' },
    observer: { uid: '1.2.826.0.1.3680043.10.1234.1', name: 'nidus-worker', modelName: 'Nidus' },
    imageLibrary: source.geometry.slices.map((s) => ({
      SOPClassUID: s.SOPClassUID,
      SOPInstanceUID: s.SOPInstanceUID,
      SeriesInstanceUID: source.SeriesInstanceUID,
    })),
    segmentation: seg,
    sourceSeriesInstanceUID: source.SeriesInstanceUID,
    volumetricGroups: [
      {
        trackingIdentifier: 'Ischemic core',
        segmentNumber: 1,
        finding: Codes.Infarct,
        findingSite: Codes.Brain,
        measurements: [
          {
            concept: Codes.Volume,
            value: values.core,
            unit: Codes.Milliliter,
            derivationParameters: [{ concept: Codes.RelativeCbfThreshold, value: 30, unit: Codes.Percent }],
          },
        ],
      },
      {
        trackingIdentifier: 'Hypoperfusion',
        segmentNumber: 2,
        finding: Codes.Ischemia,
        measurements: [
          {
            concept: Codes.Volume,
            value: values.hypo,
            unit: Codes.Milliliter,
            derivationParameters: [{ concept: Codes.TmaxThreshold, value: 6, unit: Codes.Second }],
          },
        ],
      },
    ],
    groups: [
      {
        trackingIdentifier: 'Mismatch',
        finding: Codes.PerfusionMismatch,
        measurements: [
          { concept: Codes.Volume, value: values.hypo - values.core, unit: Codes.Milliliter },
          { concept: Codes.MismatchRatio, value: values.ratio, unit: Codes.Ratio, nullReason: DIVIDE_BY_ZERO },
        ],
      },
    ],
    qualitativeEvaluations: [
      { concept: Codes.Defuse3Eligible, code: Codes.Yes },
      { concept: Codes.Laterality, code: Codes.Left },
      { concept: Codes.AnalysisWarning, text: 'motion in time points 3-4' },
    ],
  };
  return { input, seg };
}

function expectValid(bytes: Buffer): void {
  const report = dciodvfy(bytes);
  expect(report.errors).toEqual([]);
  // the only warnings: our private coding scheme is not a defined term dciodvfy knows
  expect(report.warnings.filter((w) => !/Unrecognized defined term <99NIDUS>/.test(w))).toEqual([]);
  const dump = dsrdump(bytes, ['+Pt']);
  expect(dump.stderr).toBe('');
  expect(dump.status).toBe(0);
  expect(dump.stdout).toContain('TID 1500 (DCMR)');
}

describe(buildMeasurementReport.name, () => {
  it.each([
    { slices: 1, values: { core: 0.4, hypo: 0.4, ratio: 1 } },
    { slices: 4, values: { core: 12.25, hypo: 80.5, ratio: 80.5 / 12.25 } },
    { slices: 9, values: { core: 0, hypo: 33.3333333333333, ratio: null } },
  ])('writes a Comprehensive 3D SR (TID 1500) that dciodvfy and dsrdump accept ($slices slices, ratio $values.ratio)', ({ slices, values }) => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices });
    const sr = buildMeasurementReport(reportInput(source, values).input, options);
    expect(sr.SOPClassUID).toBe(COMPREHENSIVE_3D_SR_STORAGE);
    expectValid(sr.bytes);
  });

  it('carries the numbers exactly, with UCUM units, thresholds, algorithm and references to the SEG segments', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 3 });
    const values = { core: 12.345678901234567, hypo: 80.5, ratio: 80.5 / 12.345678901234567 };
    const { input, seg } = reportInput(source, values);
    const items = flatten(readPart10(buildMeasurementReport(input, options).bytes));
    const find = (...path: string[]) => items.filter((i) => i.path.join(' / ').endsWith(path.join(' / ')));
    const nums = items.filter((i) => i.ValueType === 'NUM' && i.RelationshipType === 'CONTAINS');
    expect(nums.map((n) => [n.value, n.unit])).toEqual([
      [values.core, 'mL'],
      [values.hypo, 'mL'],
      [values.hypo - values.core, 'mL'],
      [values.ratio, '{ratio}'],
    ]);
    expect(find('Volume', 'Tmax threshold').map((i) => [i.RelationshipType, i.value, i.unit])).toEqual([['INFERRED FROM', 6, 's']]);
    expect(find('Volume', 'Relative CBF threshold').map((i) => [i.value, i.unit])).toEqual([[30, '%']]);
    expect(find('Algorithm Name').map((i) => i.value)).toEqual(['Nidus CTP', 'Nidus CTP', 'Nidus CTP', 'Nidus CTP']);
    expect(new Set(find('Algorithm Version').map((i) => i.value))).toEqual(new Set(['0.1.0-test']));
    expect(find('Referenced Segment').map((i) => [i.value, i.segment])).toEqual([
      [seg.SOPInstanceUID, 1],
      [seg.SOPInstanceUID, 2],
    ]);
    expect(find('Source series for segmentation').map((i) => i.value)).toEqual([source.SeriesInstanceUID, source.SeriesInstanceUID]);
    expect(find('Measurement Group', 'Finding').map((i) => i.value)).toEqual(['Infarct', 'Ischemia', 'Perfusion mismatch']);
    expect(find('Tracking Identifier').map((i) => i.value)).toEqual(['Ischemic core', 'Hypoperfusion', 'Mismatch']);
    expect(find('Image Library Group').length).toBe(1);
    expect(items.filter((i) => i.path[1] === 'Image Library Group' && i.ValueType === 'IMAGE').map((i) => i.value)).toEqual(
      source.geometry.slices.map((s) => s.SOPInstanceUID),
    );
    expect(find('Qualitative Evaluations', 'DEFUSE 3 perfusion criteria met').map((i) => i.value)).toEqual(['Yes']);
    expect(find('Observer Type').map((i) => i.value)).toEqual(['Device']);
  });

  it('writes a ratio without a value as an empty NUM qualified "Divide by zero"', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const items = flatten(readPart10(buildMeasurementReport(reportInput(source, { core: 0, hypo: 20, ratio: null }).input, options).bytes));
    expect(items.filter((i) => i.path.at(-1) === 'Mismatch ratio').map((i) => [i.value, i.qualifier])).toEqual([[null, '114003']]);
  });

  it('copies Patient and Study, lists its evidence by series, and marks itself as Nidus output in its own series', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 3 });
    const { input, seg } = reportInput(source, { core: 1, hypo: 2, ratio: 2 });
    const ds = readPart10(buildMeasurementReport(input, options).bytes);
    for (const keyword of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyInstanceUID', 'StudyDate', 'StudyID', 'AccessionNumber']) {
      expect([keyword, ds.string(keyword)]).toEqual([keyword, source.datasets[0].string(keyword)]);
    }
    expect([
      ds.string('SeriesDescription'),
      ds.string('Modality'),
      ds.string('Manufacturer'),
      ds.string('SoftwareVersions'),
      ds.string('ContentQualification'),
    ]).toEqual(['NIDUS CTP REPORT', 'SR', 'Nidus', '0.1.0-test', 'RESEARCH']);
    expect(ds.string('SeriesInstanceUID')).not.toBe(source.SeriesInstanceUID);
    const evidence = ds.sequence('CurrentRequestedProcedureEvidenceSequence');
    expect(evidence.map((e) => e.string('StudyInstanceUID'))).toEqual([source.StudyInstanceUID]);
    const series = evidence[0]
      .sequence('ReferencedSeriesSequence')
      .map((s) => [s.string('SeriesInstanceUID'), s.sequence('ReferencedSOPSequence').map((r) => r.string('ReferencedSOPInstanceUID'))]);
    expect(series).toEqual([
      [source.SeriesInstanceUID, source.geometry.slices.map((s) => s.SOPInstanceUID)],
      [seg.SeriesInstanceUID, [seg.SOPInstanceUID]],
    ]);
    expect(ds.sequence('CodingSchemeIdentificationSequence').map((c) => c.string('CodingSchemeDesignator'))).toEqual(['99NIDUS']);
  });

  it('refuses volumetric measurements without a segmentation, and a missing value without a reason', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const { input } = reportInput(source, { core: 1, hypo: 2, ratio: 2 });
    expect(() => buildMeasurementReport({ ...input, segmentation: undefined }, options)).toThrow(InvalidAttributeError);
    const groups = [{ trackingIdentifier: 'x', measurements: [{ concept: Codes.MismatchRatio, value: null, unit: Codes.Ratio }] }];
    expect(() => buildMeasurementReport({ ...input, groups }, options)).toThrow(InvalidAttributeError);
  });
});
