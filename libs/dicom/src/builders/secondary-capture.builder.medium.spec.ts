import { InvalidAttributeError } from '../dicom.errors';
import { readPart10 } from '../part10-reader';
import { dciodvfy, dcmdump, pydicomJson, syntheticCtSeries } from '@nidus/testing';
import { buildSecondaryCapture, MULTIFRAME_TRUE_COLOR_SC_STORAGE, SECONDARY_CAPTURE_IMAGE_STORAGE } from './secondary-capture.builder';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };

function gradient(rows: number, columns: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(rows * columns * 3);
  for (let i = 0; i < rows * columns; i++) {
    rgb[3 * i] = (i * 7 + seed) & 255;
    rgb[3 * i + 1] = (i * 3 + 2 * seed) & 255;
    rgb[3 * i + 2] = (255 - i - seed) & 255;
  }
  return rgb;
}

describe(buildSecondaryCapture.name, () => {
  it.each([
    { rows: 10, columns: 16, frames: 1 },
    { rows: 33, columns: 17, frames: 1 },
    { rows: 12, columns: 20, frames: 3 },
  ])('writes an RGB SC ($rows x $columns, $frames frames) that dciodvfy accepts and pydicom reads pixel for pixel', ({ rows, columns, frames }) => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 1 });
    const pixels = Array.from({ length: frames }, (_, f) => gradient(rows, columns, f * 40));
    const sc = buildSecondaryCapture(
      {
        source: source.datasets[0],
        Rows: rows,
        Columns: columns,
        frames: pixels,
        frameLabels: frames > 1 ? pixels.map((_, i) => `slice ${i + 1}`) : undefined,
      },
      options,
    );
    expect(sc.SOPClassUID).toBe(frames > 1 ? MULTIFRAME_TRUE_COLOR_SC_STORAGE : SECONDARY_CAPTURE_IMAGE_STORAGE);
    const report = dciodvfy(sc.bytes);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(dcmdump(sc.bytes).status).toBe(0);
    const read = pydicomJson<number[]>(
      sc.bytes,
      'import sys, json, pydicom\nds = pydicom.dcmread(sys.argv[1])\nprint(json.dumps([int(v) for v in ds.pixel_array.reshape(-1)]))',
    );
    const expected: number[] = [];
    for (const p of pixels) expected.push(...p);
    expect(read).toEqual(expected);
  });

  it('copies Patient and Study into its own "NIDUS CTP SUMMARY" series, marked as Nidus research output', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2 });
    const sc = buildSecondaryCapture(
      { source: source.datasets[1], Rows: 2, Columns: 2, frames: [gradient(2, 2, 0)], InstanceNumber: 4, ImageComments: 'core 12 mL' },
      options,
    );
    const ds = readPart10(sc.bytes);
    for (const keyword of ['PatientName', 'PatientID', 'PatientBirthDate', 'StudyInstanceUID', 'AccessionNumber', 'StudyID']) {
      expect([keyword, ds.string(keyword)]).toEqual([keyword, source.datasets[1].string(keyword)]);
    }
    expect([
      ds.string('SeriesDescription'),
      ds.string('Manufacturer'),
      ds.string('SoftwareVersions'),
      ds.string('ContentQualification'),
      ds.number('InstanceNumber'),
      ds.string('BurnedInAnnotation'),
    ]).toEqual(['NIDUS CTP SUMMARY', 'Nidus', '0.1.0-test', 'RESEARCH', 4, 'NO']);
    expect(ds.string('SeriesInstanceUID')).not.toBe(source.SeriesInstanceUID);
  });

  it('shares a series between images and derives stable instance UIDs from the seed and instance', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 1 });
    const seeded = { ...options, uidSeed: 'job-7' };
    const make = (n: number) =>
      buildSecondaryCapture({ source: source.datasets[0], Rows: 2, Columns: 2, frames: [gradient(2, 2, n)], InstanceNumber: n }, seeded);
    const [a, b, a2] = [make(1), make(2), make(1)];
    expect(a.SeriesInstanceUID).toBe(b.SeriesInstanceUID);
    expect(a.SOPInstanceUID).not.toBe(b.SOPInstanceUID);
    expect(a2.SOPInstanceUID).toBe(a.SOPInstanceUID);
  });

  it('refuses frames of the wrong size', () => {
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 1 });
    expect(() => buildSecondaryCapture({ source: source.datasets[0], Rows: 2, Columns: 2, frames: [new Uint8Array(11)] }, options)).toThrow(
      InvalidAttributeError,
    );
  });
});
