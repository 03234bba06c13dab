import { flattenContent, InvalidAttributeError, readPart10 } from '@nidus/dicom';
import { dciodvfy, dcmdump, dsrdump, syntheticCtSeries, SyntheticSeries, syntheticPerfusionResult, volumeFor } from '@nidus/testing';
import type { PerfusionResult } from '@nidus/perfusion';
import { buildCtpResults, CtpResults } from './build-ctp-results';
import { formatVolume } from './ctp-summary-text';

const options = { version: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234', panelSize: 160 };

function setup(rows: number, columns: number, slices: number, timePoints = 1) {
  const source = syntheticCtSeries({ rows, columns, slices, PixelSpacing: [0.9, 0.9], sliceSpacing: 5 });
  const voxelMl = (0.9 * 0.9 * 5) / 1000;
  const result = syntheticPerfusionResult({
    rows,
    columns,
    slices,
    voxelMl,
    hypoperfusion: { z: [0, slices], y: [2, rows - 3], x: [2, Math.floor(columns / 2)] },
    core: { z: [0, 1], y: [3, 5], x: [3, 5] },
  });
  return { source, result, volume: volumeFor(source.geometry, 5, timePoints) };
}

function expectValid(bytes: Buffer): void {
  const report = dciodvfy(bytes);
  expect(report.errors).toEqual([]);
  expect(report.warnings.filter((w) => !/Unrecognized defined term <99NIDUS>/.test(w))).toEqual([]);
  expect(dcmdump(bytes).status).toBe(0);
}

describe(buildCtpResults.name, () => {
  let source: SyntheticSeries;
  let result: PerfusionResult;
  let built: CtpResults;
  beforeAll(async () => {
    const s = setup(12, 14, 3);
    source = s.source;
    result = s.result;
    built = await buildCtpResults(result, s.volume, source.datasets, options);
  });

  it('makes a SEG, an SR, one summary image per slice, the mosaic, a quality page and five Parametric Maps, all valid for dciodvfy', () => {
    expect(built.objects.map((o) => o.kind)).toEqual(['seg', 'sr', 'sc', 'sc', 'sc', 'sc', 'sc', 'pm', 'pm', 'pm', 'pm', 'pm']);
    expect(built.maps).toHaveLength(5);
    expect(built.summary).toHaveLength(4);
    for (const object of built.objects) expectValid(object.bytes);
    const dump = dsrdump(built.sr);
    expect([dump.status, dump.stderr]).toEqual([0, '']);
  });

  it('files every object under the source patient and study, each kind in its own new series', () => {
    const datasets = built.objects.map((o) => readPart10(o.bytes));
    for (const ds of datasets) {
      expect([ds.string('PatientID'), ds.string('PatientName'), ds.string('StudyInstanceUID'), ds.string('AccessionNumber')]).toEqual([
        'SYN-001',
        'Stroke^Synthetic',
        source.StudyInstanceUID,
        'ACC123',
      ]);
      expect([ds.string('Manufacturer'), ds.string('SoftwareVersions'), ds.string('ContentQualification')]).toEqual(['Nidus', '0.1.0-test', 'RESEARCH']);
      expect(ds.string('SOPInstanceUID')!.startsWith(options.uidRoot + '.')).toBe(true);
    }
    const series = new Map(datasets.map((ds) => [ds.string('SeriesInstanceUID'), ds.string('SeriesDescription')]));
    expect([...series.values()]).toEqual(['NIDUS CTP SEG', 'NIDUS CTP REPORT', 'NIDUS CTP SUMMARY', 'NIDUS CTP QC', 'NIDUS CTP MAPS']);
    expect(series.has(source.SeriesInstanceUID)).toBe(false);
    expect(datasets.slice(2).map((ds) => ds.number('InstanceNumber'))).toEqual([1, 2, 3, 0, 1, 1, 2, 3, 4, 5]);
  });

  it('stores each map with its unit, its values inside the brain and the padding outside', () => {
    const expected: [string, string, Float32Array, number][] = [
      ['TMAX', 's', result.maps.tmax, 1],
      ['RCBF', '%', result.maps.rcbf, 100],
      ['CBF', 'mL/(100.g)/min', result.maps.cbf, 1],
      ['CBV', 'mL/(100.g)', result.maps.cbv, 1],
      ['MTT', 's', result.maps.mtt, 1],
    ];
    const pixels = result.maps.rows * result.maps.columns;
    built.maps.forEach((bytes, k) => {
      const ds = readPart10(bytes);
      const [label, unit, values, scale] = expected[k];
      const rwvm = ds.sequence('SharedFunctionalGroupsSequence')[0].sequence('RealWorldValueMappingSequence')[0];
      expect([rwvm.string('LUTLabel'), rwvm.sequence('MeasurementUnitsCodeSequence')[0].string('CodeValue')]).toEqual([label, unit]);
      const stored = ds.bytes('FloatPixelData')!;
      const floats = new Float32Array(stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.byteLength));
      expect(floats.length).toBe(values.length);
      const frames = ds.sequence('PerFrameFunctionalGroupsSequence');
      for (let i = 0; i < values.length; i++) {
        const z = Math.floor(i / pixels);
        const ref = frames[z].sequence('DerivationImageSequence')[0].sequence('SourceImageSequence')[0].string('ReferencedSOPInstanceUID');
        expect(ref).toBe(source.geometry.slices[z].SOPInstanceUID);
        if (result.maps.brainMask[i]) expect(floats[i]).toBeCloseTo(values[i] * scale, 3);
        else expect(floats[i]).toBe(-1);
      }
    });
  });

  it('reports the same numbers as the JSON summary, with their units', () => {
    const items = flattenContent(readPart10(built.sr));
    // depth-first order: a group's measurements follow its Tracking Identifier
    let group = '';
    const grouped = items.map((i) => {
      if (i.path.at(-1) === 'Tracking Identifier') group = String(i.value);
      return { group, item: i };
    });
    const measure = (g: string, concept: string) =>
      grouped
        .filter(({ group, item }) => group === g && item.ValueType === 'NUM' && item.RelationshipType === 'CONTAINS' && item.path.at(-1) === concept)
        .map(({ item }) => item);
    const one = (group: string, concept: string) => measure(group, concept).map((i) => [i.value, i.unit]);
    const s = result.summary;
    expect(one('Ischemic core (rCBF < 30%)', 'Volume')).toEqual([[s.coreVolumeMl, 'mL']]);
    expect(one('Hypoperfusion (Tmax > 6 s)', 'Volume')).toEqual([[s.hypoperfusionVolumeMl, 'mL']]);
    expect(one('Severe hypoperfusion (Tmax > 10 s)', 'Volume')).toEqual([[s.tmax10VolumeMl, 'mL']]);
    expect(one('Severe hypoperfusion (Tmax > 10 s)', 'Hypoperfusion intensity ratio')).toEqual([[s.hypoperfusionIntensityRatio, '{ratio}']]);
    expect(one('Mismatch', 'Volume')).toEqual([[s.mismatchVolumeMl, 'mL']]);
    expect(one('Mismatch', 'Mismatch ratio')).toEqual([[s.mismatchRatio, '{ratio}']]);
    expect(items.filter((i) => i.path.at(-1) === 'Tmax threshold').map((i) => [i.value, i.unit])).toEqual([
      [6, 's'],
      [10, 's'],
    ]);
    const yesNo = (b: boolean) => (b ? 'Yes' : 'No');
    expect(items.filter((i) => i.path.at(-1) === 'DEFUSE 3 perfusion criteria met').map((i) => i.value)).toEqual([yesNo(s.eligibility.defuse3)]);
    expect(items.filter((i) => i.path.at(-1) === 'EXTEND perfusion criteria met').map((i) => i.value)).toEqual([yesNo(s.eligibility.extend)]);
    expect(items.filter((i) => i.path.at(-1) === 'Laterality').map((i) => i.value)).toEqual([s.affectedHemisphere === 'left' ? 'Left' : 'Right']);
    // the SR's segment references point at this SEG
    const seg = built.objects[0];
    expect(items.filter((i) => i.path.at(-1) === 'Referenced Segment').map((i) => [i.value, i.segment])).toEqual([
      [seg.SOPInstanceUID, 1],
      [seg.SOPInstanceUID, 2],
    ]);
  });

  it('puts the SEG masks on the source slices and writes the numbers on every summary image', () => {
    const seg = readPart10(built.seg);
    const frames = seg.sequence('PerFrameFunctionalGroupsSequence');
    const slices = source.geometry.slices;
    for (const frame of frames) {
      const ref = frame.sequence('DerivationImageSequence')[0].sequence('SourceImageSequence')[0].string('ReferencedSOPInstanceUID');
      const z = slices.findIndex((s) => s.SOPInstanceUID === ref);
      expect(z).toBeGreaterThanOrEqual(0);
      expect(frame.sequence('PlanePositionSequence')[0].numbers('ImagePositionPatient')).toEqual([...slices[z].ImagePositionPatient]);
    }
    expect(seg.sequence('SegmentSequence').map((s) => s.string('SegmentLabel'))).toEqual(['Ischemic core', 'Hypoperfusion']);
    for (const sc of built.summary) {
      const comments = readPart10(sc).string('ImageComments')!;
      expect(comments).toContain(formatVolume(result.summary.coreVolumeMl));
      expect(comments).toContain(formatVolume(result.summary.hypoperfusionVolumeMl));
      expect(comments).toContain('DEFUSE 3 criteria');
    }
  });

  it('draws the quality page beside the maps: a 720 x 600 RGB Secondary Capture stating the confidence and its reasons', () => {
    const qc = readPart10(built.quality);
    expect([qc.number('Rows'), qc.number('Columns'), qc.number('SamplesPerPixel'), qc.string('PhotometricInterpretation')]).toEqual([600, 720, 3, 'RGB']);
    expect(qc.string('ImageComments')).toContain('Quality: reduced');
    expect(qc.string('ImageComments')).toContain(result.quality.problems[0]);
    // the curves are drawn: red (AIF) and blue (VOF) pixels on the page
    const pixels = qc.bytes('PixelData')!;
    let red = 0;
    let blue = 0;
    for (let i = 0; i < pixels.length; i += 3) {
      if (pixels[i] > 200 && pixels[i + 1] < 90 && pixels[i + 2] < 90) red++;
      if (pixels[i] < 110 && pixels[i + 1] > 130 && pixels[i + 2] > 200) blue++;
    }
    expect(red).toBeGreaterThan(200);
    expect(blue).toBeGreaterThan(200);
  });

  it('gives the same UIDs when run again with the same seed (no duplicates in the PACS)', async () => {
    const s = setup(6, 8, 2);
    const seeded = { ...options, uidSeed: 'analysis-42' };
    const a = await buildCtpResults(s.result, s.volume, s.source.datasets, seeded);
    const b = await buildCtpResults(s.result, s.volume, s.source.datasets, seeded);
    expect(b.objects.map((o) => [o.SOPInstanceUID, o.SeriesInstanceUID])).toEqual(a.objects.map((o) => [o.SOPInstanceUID, o.SeriesInstanceUID]));
    expect(new Set(a.objects.map((o) => o.SOPInstanceUID)).size).toBe(a.objects.length);
  });

  it('references the chosen time point, and refuses maps off the source grid', async () => {
    const s = setup(6, 8, 2, 3);
    const out = await buildCtpResults(s.result, s.volume, s.source.datasets, { ...options, referenceTimeIndex: 2 });
    const refs = readPart10(out.seg)
      .sequence('ReferencedSeriesSequence')[0]
      .sequence('ReferencedInstanceSequence')
      .map((r) => r.string('ReferencedSOPInstanceUID'));
    expect(refs).toEqual(s.volume.SOPInstanceUIDs[2]);
    await expect(buildCtpResults(s.result, { ...s.volume, rows: 7 }, s.source.datasets, options)).rejects.toThrow(InvalidAttributeError);
  });
});
