import { InvalidAttributeError } from '../dicom.errors';
import { readPart10 } from '../part10-reader';
import { dicomLabToRgb } from './cielab';
import { code, Codes } from './coded-concept';
import { dciodvfy, dcmdump, pydicomJson, boxMask, syntheticCtSeries } from '@nidus/testing';
import { buildSegmentation, SegmentDefinition, SEGMENTATION_STORAGE } from './segmentation.builder';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };
const algorithm = { name: 'Nidus CTP', version: '0.1.0-test', family: code('123110', 'DCM', 'Artificial Intelligence') };

function randomMask(slices: number, rows: number, columns: number, density: number): Uint8Array {
  return Uint8Array.from({ length: slices * rows * columns }, () => (Math.random() < density ? 1 : 0));
}

function twoSegments(slices: number, rows: number, columns: number): SegmentDefinition[] {
  return [
    {
      SegmentLabel: 'Ischemic core',
      SegmentDescription: 'rCBF < 30%',
      category: Codes.MorphologicallyAlteredStructure,
      type: Codes.Infarct,
      anatomicRegion: Codes.Brain,
      displayColorRgb: [255, 0, 255],
      mask: boxMask(slices, rows, columns, { z: [Math.min(1, slices - 1), Math.min(2, slices)], y: [2, 4], x: [1, 4] }),
    },
    {
      SegmentLabel: 'Hypoperfusion',
      SegmentDescription: 'Tmax > 6 s',
      category: Codes.MorphologicallyAlteredStructure,
      type: Codes.Ischemia,
      anatomicRegion: Codes.Brain,
      displayColorRgb: [0, 200, 0],
      mask: randomMask(slices, rows, columns, 0.3),
    },
  ];
}

interface PydicomView {
  frames: { ipp: number[]; iop: number[]; spacing: number[]; segment: number; source: string; ones: number[] }[];
  patient: string;
  study: string;
}

// Read with pydicom (an independent implementation): per frame, where it is, what it segments, which pixels are set.
const PYDICOM_FRAMES = `
import sys, json, pydicom, numpy
ds = pydicom.dcmread(sys.argv[1])
px = ds.pixel_array.reshape((int(ds.NumberOfFrames), ds.Rows, ds.Columns))
shared = ds.SharedFunctionalGroupsSequence[0]
out = []
for i, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    out.append({
        'ipp': [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient],
        'iop': [float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient],
        'spacing': [float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing],
        'segment': int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber),
        'source': f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID,
        'ones': [int(v) for v in numpy.flatnonzero(px[i])],
    })
print(json.dumps({'frames': out, 'patient': str(ds.PatientName), 'study': ds.StudyInstanceUID}))
`;

describe(buildSegmentation.name, () => {
  it.each([
    { rows: 8, columns: 11, slices: 3, iop: [1, 0, 0, 0, 1, 0] },
    { rows: 16, columns: 16, slices: 6, iop: [1, 0, 0, 0, 1, 0] },
    { rows: 7, columns: 5, slices: 1, iop: [1, 0, 0, 0, 1, 0] },
    { rows: 9, columns: 13, slices: 4, iop: [1, 0, 0, 0, Math.cos(0.3), -Math.sin(0.3)] }, // gantry tilt-like oblique
  ])('writes a SEG that dciodvfy accepts and dcmdump reads ($rows x $columns x $slices)', ({ rows, columns, slices, iop }) => {
    const source = syntheticCtSeries({ rows, columns, slices, ImageOrientationPatient: iop as [number, number, number, number, number, number] });
    const seg = buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments: twoSegments(slices, rows, columns), algorithm }, options);
    const report = dciodvfy(seg.bytes);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    const dump = dcmdump(seg.bytes);
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('=SegmentationStorage');
  });

  it('puts every frame exactly on its source slice, with the mask bits of that slice (read back by pydicom)', () => {
    const [rows, columns, slices] = [9, 13, 4];
    const source = syntheticCtSeries({ rows, columns, slices, ImageOrientationPatient: [0, 1, 0, 0, 0, -1], PixelSpacing: [0.7, 0.45], sliceSpacing: 2.5 });
    const segments = twoSegments(slices, rows, columns);
    const seg = buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments, algorithm }, options);
    const view = pydicomJson<PydicomView>(seg.bytes, PYDICOM_FRAMES);

    expect(view.frames).toHaveLength(seg.frames.length);
    view.frames.forEach((frame, i) => {
      const [segmentNumber, z] = seg.frames[i];
      const slice = source.geometry.slices[z];
      expect(frame.segment).toBe(segmentNumber);
      expect(frame.source).toBe(slice.SOPInstanceUID);
      frame.ipp.forEach((v, k) => expect(v).toBeCloseTo(slice.ImagePositionPatient[k], 6));
      frame.iop.forEach((v, k) => expect(v).toBeCloseTo(source.geometry.ImageOrientationPatient[k], 6));
      expect(frame.spacing).toEqual([0.7, 0.45]);
      const mask = segments[segmentNumber - 1].mask.subarray(z * rows * columns, (z + 1) * rows * columns);
      const expected = Array.from(mask.keys()).filter((k) => mask[k]);
      expect(frame.ones).toEqual(expected);
    });
    // every (segment, slice) with a set voxel has a frame
    for (const [s, segment] of segments.entries()) {
      for (let z = 0; z < slices; z++) {
        const any = segment.mask.subarray(z * rows * columns, (z + 1) * rows * columns).some((v) => v);
        expect(seg.frames.some(([n, fz]) => n === s + 1 && fz === z)).toBe(any);
      }
    }
    expect(view.patient).toBe('Stroke^Synthetic');
  });

  it('copies Patient, Study and Frame of Reference, and starts its own series marked as Nidus output', () => {
    const source = syntheticCtSeries({ rows: 6, columns: 6, slices: 2, PatientName: 'Müller^Jürgen', SpecificCharacterSet: 'ISO_IR 100' });
    const seg = buildSegmentation({ source: source.datasets[1], geometry: source.geometry, segments: twoSegments(2, 6, 6), algorithm }, options);
    const ds = readPart10(seg.bytes);
    const src = source.datasets[1];
    for (const keyword of [
      'PatientName',
      'PatientID',
      'IssuerOfPatientID',
      'PatientBirthDate',
      'PatientSex',
      'PatientAge',
      'StudyInstanceUID',
      'StudyDate',
      'StudyTime',
      'StudyID',
      'AccessionNumber',
      'ReferringPhysicianName',
      'StudyDescription',
      'FrameOfReferenceUID',
      'SpecificCharacterSet',
    ]) {
      expect([keyword, ds.string(keyword)]).toEqual([keyword, src.string(keyword)]);
    }
    expect(ds.bytes('PatientName')).toEqual(src.bytes('PatientName')); // byte for byte, in the source's character set
    expect(ds.sequence('IssuerOfAccessionNumberSequence')[0].string('LocalNamespaceEntityID')).toBe('HOSPITAL');
    expect(ds.string('SeriesInstanceUID')).not.toBe(source.SeriesInstanceUID);
    expect(ds.string('SeriesInstanceUID')!.startsWith(options.uidRoot + '.')).toBe(true);
    expect(ds.string('SOPInstanceUID')!.startsWith(options.uidRoot + '.')).toBe(true);
    expect(ds.string('SOPClassUID')).toBe(SEGMENTATION_STORAGE);
    expect(ds.string('Modality')).toBe('SEG');
    expect(ds.string('SeriesDescription')).toBe('NIDUS CTP SEG');
    expect(ds.string('Manufacturer')).toBe('Nidus');
    expect(ds.string('SoftwareVersions')).toBe('0.1.0-test');
    expect(ds.string('ContentQualification')).toBe('RESEARCH');
    const referenced = ds.sequence('ReferencedSeriesSequence');
    expect(referenced.map((r) => r.string('SeriesInstanceUID'))).toEqual([source.SeriesInstanceUID]);
    expect(referenced[0].sequence('ReferencedInstanceSequence').map((r) => r.string('ReferencedSOPInstanceUID'))).toEqual(
      source.geometry.slices.map((s) => s.SOPInstanceUID),
    );
  });

  it('describes segments: labels, SCT codes, algorithm, and display colours that come back as the given RGB', () => {
    const source = syntheticCtSeries({ rows: 6, columns: 6, slices: 2 });
    const segments = twoSegments(2, 6, 6);
    const ds = readPart10(buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments, algorithm }, options).bytes);
    const items = ds.sequence('SegmentSequence');
    expect(items.map((i) => i.number('SegmentNumber'))).toEqual([1, 2]);
    expect(items.map((i) => i.string('SegmentLabel'))).toEqual(['Ischemic core', 'Hypoperfusion']);
    expect(items.map((i) => i.sequence('SegmentedPropertyTypeCodeSequence')[0].string('CodeValue'))).toEqual(['55641003', '52674009']);
    expect(items.map((i) => i.sequence('SegmentedPropertyCategoryCodeSequence')[0].string('CodingSchemeDesignator'))).toEqual(['SCT', 'SCT']);
    for (const [k, item] of items.entries()) {
      expect(item.string('SegmentAlgorithmType')).toBe('AUTOMATIC');
      const identification = item.sequence('SegmentationAlgorithmIdentificationSequence')[0];
      expect([identification.string('AlgorithmName'), identification.string('AlgorithmVersion')]).toEqual(['Nidus CTP', '0.1.0-test']);
      const rgb = dicomLabToRgb(item.numbers('RecommendedDisplayCIELabValue') as [number, number, number]);
      rgb.forEach((v, c) => expect(Math.abs(v - segments[k].displayColorRgb[c])).toBeLessThanOrEqual(1));
    }
  });

  it('keeps one empty frame for an empty segment, and every slice when omitEmptyFrames is false', () => {
    const source = syntheticCtSeries({ rows: 5, columns: 7, slices: 3 });
    const segments = twoSegments(3, 5, 7);
    segments[0].mask = new Uint8Array(3 * 5 * 7);
    const sparse = buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments, algorithm }, options);
    expect(sparse.frames.filter(([n]) => n === 1)).toEqual([[1, 0]]);
    expect(dciodvfy(sparse.bytes).errors).toEqual([]);
    const dense = buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments, algorithm, omitEmptyFrames: false }, options);
    expect(dense.frames).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
      [2, 2],
    ]);
    expect(readPart10(dense.bytes).number('NumberOfFrames')).toBe(6);
  });

  it('derives the same UIDs from the same seed, and new ones from another', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const input = { source: source.datasets[0], geometry: source.geometry, segments: twoSegments(2, 4, 4), algorithm };
    const a = buildSegmentation(input, { ...options, uidSeed: 'job-1' });
    const b = buildSegmentation(input, { ...options, uidSeed: 'job-1' });
    const c = buildSegmentation(input, { ...options, uidSeed: 'job-2' });
    expect([b.SOPInstanceUID, b.SeriesInstanceUID]).toEqual([a.SOPInstanceUID, a.SeriesInstanceUID]);
    expect(c.SOPInstanceUID).not.toBe(a.SOPInstanceUID);
    expect(a.SOPInstanceUID).not.toBe(a.SeriesInstanceUID);
    expect(a.SOPInstanceUID.length).toBeLessThanOrEqual(64);
  });

  it('refuses masks that are not on the source grid', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const segments = twoSegments(2, 4, 4);
    segments[1].mask = new Uint8Array(3 * 4 * 4);
    expect(() => buildSegmentation({ source: source.datasets[0], geometry: source.geometry, segments, algorithm }, options)).toThrow(InvalidAttributeError);
  });
});
