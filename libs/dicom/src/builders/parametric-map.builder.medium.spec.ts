import { InvalidAttributeError } from '../dicom.errors';
import { readPart10 } from '../part10-reader';
import { code } from './coded-concept';
import { dciodvfy, dcmdump, pydicomJson, syntheticCtSeries } from '@nidus/testing';
import { buildParametricMap, PARAMETRIC_MAP_PADDING, PARAMETRIC_MAP_STORAGE } from './parametric-map.builder';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };
const TMAX = code('TMAX', '99NIDUS', 'Time to maximum of the residue function');
const SECOND = code('s', 'UCUM', 'second');

interface PydicomMap {
  frames: { ipp: number[]; source: string; values: number[] }[];
  unit: string;
  label: string;
  window: number[];
  modality: string;
}

// Read with pydicom (an independent implementation): each frame's position, source image and float values.
const PYDICOM_MAP = `
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
px = ds.pixel_array.reshape((int(ds.NumberOfFrames), ds.Rows, ds.Columns))
shared = ds.SharedFunctionalGroupsSequence[0]
rwvm = shared.RealWorldValueMappingSequence[0]
voi = shared.FrameVOILUTSequence[0]
out = []
for i, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    out.append({
        'ipp': [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient],
        'source': f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID,
        'values': [float(v) for v in px[i].reshape(-1)],
    })
print(json.dumps({'frames': out, 'unit': rwvm.MeasurementUnitsCodeSequence[0].CodeValue, 'label': rwvm.LUTLabel,
  'window': [float(voi.WindowCenter), float(voi.WindowWidth)], 'modality': ds.Modality}))
`;

describe(buildParametricMap.name, () => {
  it.each([
    { rows: 8, columns: 6, slices: 3 },
    { rows: 5, columns: 9, slices: 1 },
  ])('writes a float map ($slices x $rows x $columns) that dciodvfy accepts and pydicom reads value for value', ({ rows, columns, slices }) => {
    const source = syntheticCtSeries({ rows, columns, slices });
    const values = Float32Array.from({ length: slices * rows * columns }, (_, i) => Math.fround(((i * 37) % 101) / 7));
    const mask = Uint8Array.from(values, (_, i) => (i % 5 === 0 ? 0 : 1));
    const pm = buildParametricMap(
      {
        source: source.datasets[0],
        geometry: source.geometry,
        quantity: TMAX,
        unit: SECOND,
        label: 'TMAX',
        values,
        mask,
        displayRange: [0, 12],
        instanceKey: 'tmax',
      },
      options,
    );
    expect(pm.SOPClassUID).toBe(PARAMETRIC_MAP_STORAGE);
    const report = dciodvfy(pm.bytes);
    expect(report.errors).toEqual([]);
    // the only remark: the private scheme of the quantity's code, declared in CodingSchemeIdentificationSequence
    expect(report.warnings.filter((w) => !w.includes('99NIDUS'))).toEqual([]);
    expect(dcmdump(pm.bytes).status).toBe(0);
    const read = pydicomJson<PydicomMap>(pm.bytes, PYDICOM_MAP);
    expect([read.unit, read.label, read.window, read.modality]).toEqual(['s', 'TMAX', [6, 12], 'CT']);
    expect(read.frames).toHaveLength(slices);
    read.frames.forEach((frame, z) => {
      const slice = source.geometry.slices[z];
      expect(frame.source).toBe(slice.SOPInstanceUID);
      frame.ipp.forEach((v, k) => expect(v).toBeCloseTo(slice.ImagePositionPatient[k], 6));
      const expected = [...values.subarray(z * rows * columns, (z + 1) * rows * columns)].map((v, i) =>
        mask[z * rows * columns + i] ? v : PARAMETRIC_MAP_PADDING,
      );
      expect(frame.values).toEqual(expected);
    });
    const ds = readPart10(pm.bytes);
    expect(ds.string('StudyInstanceUID')).toBe(source.datasets[0].string('StudyInstanceUID'));
    expect(ds.string('FrameOfReferenceUID')).toBe(source.datasets[0].string('FrameOfReferenceUID'));
  });

  it('refuses values that are not on the grid, and an empty display range', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const input = {
      source: source.datasets[0],
      geometry: source.geometry,
      quantity: TMAX,
      unit: SECOND,
      label: 'TMAX',
      displayRange: [0, 12] as const,
      instanceKey: 't',
    };
    expect(() => buildParametricMap({ ...input, values: new Float32Array(31) }, options)).toThrow(InvalidAttributeError);
    expect(() => buildParametricMap({ ...input, values: new Float32Array(32), displayRange: [3, 3] }, options)).toThrow(InvalidAttributeError);
  });
});
