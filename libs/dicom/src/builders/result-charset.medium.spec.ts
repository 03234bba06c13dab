// Result objects keep the source's names exactly: the same bytes under the same Specific Character Set, which dcmtk
// and pydicom (independent readers) read back as the name the source holds.
import { CharacterSet } from '../charset/character-set';
import { EncodedText } from '../encoded-text';
import { readPart10 } from '../part10-reader';
import { generateUid } from '../uid';
import { code, Codes } from './coded-concept';
import { dciodvfy, dcmdump, pydicomJson, boxMask, syntheticCtSeries, type SyntheticSeries } from '@nidus/testing';
import { buildMeasurementReport } from './measurement-report.builder';
import { buildSecondaryCapture } from './secondary-capture.builder';
import { buildSegmentation, SEGMENTATION_STORAGE } from './segmentation.builder';

const options = { softwareVersion: '0.1.0-test', uidRoot: '1.2.826.0.1.3680043.10.1234' };
const ESC = 0x1b;

const READ_NAME = `
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
print(json.dumps({'PatientName': str(ds.PatientName), 'ReferringPhysicianName': str(ds.ReferringPhysicianName), 'charset': str(ds.SpecificCharacterSet)}))
`;

function results(source: SyntheticSeries): { kind: string; bytes: Buffer }[] {
  const s = source.geometry;
  const seg = buildSegmentation(
    {
      source: source.datasets[0],
      geometry: s,
      segments: [
        {
          SegmentLabel: 'Ischemic core',
          category: Codes.MorphologicallyAlteredStructure,
          type: Codes.Infarct,
          displayColorRgb: [255, 0, 255],
          mask: boxMask(s.slices.length, s.Rows, s.Columns, { z: [0, 1], y: [1, 3], x: [1, 3] }),
        },
      ],
      algorithm: { name: 'Nidus CTP', version: '0.1.0-test', family: code('123110', 'DCM', 'Artificial Intelligence') },
    },
    options,
  );
  const sr = buildMeasurementReport(
    {
      source: source.datasets[0],
      algorithm: { name: 'Nidus CTP', version: '0.1.0-test' },
      observer: { uid: '1.2.826.0.1.3680043.10.1234.1', name: 'nidus-worker' },
      imageLibrary: s.slices.map((x) => ({ SOPClassUID: x.SOPClassUID, SOPInstanceUID: x.SOPInstanceUID, SeriesInstanceUID: source.SeriesInstanceUID })),
      segmentation: { SOPClassUID: SEGMENTATION_STORAGE, SOPInstanceUID: generateUid(), SeriesInstanceUID: generateUid() },
      sourceSeriesInstanceUID: source.SeriesInstanceUID,
      volumetricGroups: [
        {
          trackingIdentifier: 'Ischemic core',
          segmentNumber: 1,
          finding: Codes.Infarct,
          measurements: [{ concept: Codes.Volume, value: 4.5, unit: Codes.Milliliter }],
        },
      ],
    },
    options,
  );
  const sc = buildSecondaryCapture({ source: source.datasets[0], Rows: 4, Columns: 4, frames: [new Uint8Array(48).fill(128)] }, options);
  return [
    { kind: 'SEG', bytes: seg.bytes },
    { kind: 'SR', bytes: sr.bytes },
    { kind: 'SC', bytes: sc.bytes },
  ];
}

describe('result objects from sources in other character sets', () => {
  it.each([
    { SpecificCharacterSet: 'ISO_IR 192', name: 'Trần^Văn Đức', bytes: Buffer.from('Trần^Văn Đức', 'utf8'), dcmtk: true },
    {
      SpecificCharacterSet: 'ISO_IR 144',
      name: 'Петров^Иван',
      bytes: Buffer.from([0xbf, 0xd5, 0xe2, 0xe0, 0xde, 0xd2, 0x5e, 0xb8, 0xd2, 0xd0, 0xdd]),
      dcmtk: true,
    },
    {
      SpecificCharacterSet: 'ISO 2022 IR 13\\ISO 2022 IR 87',
      name: 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎',
      // PS3.5 H.3.2: half-width katakana in G1, then JIS X 0208 after ESC $ B and back with ESC ( J
      bytes: Buffer.from([
        0xd4,
        0xcf,
        0xc0,
        0xde,
        0x5e,
        0xc0,
        0xdb,
        0xb3,
        0x3d,
        ESC,
        0x24,
        0x42,
        0x3b,
        0x33,
        0x45,
        0x44,
        ESC,
        0x28,
        0x4a,
        0x5e,
        ESC,
        0x24,
        0x42,
        0x42,
        0x40,
        0x4f,
        0x3a,
        ESC,
        0x28,
        0x4a,
      ]),
      dcmtk: false, // Debian's dcmtk converts through glibc iconv, which has no ISO 2022 IR 87
    },
  ])('SEG, SR and SC from a $SpecificCharacterSet source carry its PatientName bytes and character set', ({ SpecificCharacterSet, name, bytes, dcmtk }) => {
    const PatientName = new EncodedText(bytes, CharacterSet.of(SpecificCharacterSet), 'PN');
    const source = syntheticCtSeries({ rows: 4, columns: 4, slices: 2, PatientName, SpecificCharacterSet });
    expect(source.datasets[0].string('PatientName')).toBe(name);
    for (const { kind, bytes: object } of results(source)) {
      const ds = readPart10(object);
      expect({ kind, charset: ds.string('SpecificCharacterSet'), name: ds.string('PatientName') }).toEqual({ kind, charset: SpecificCharacterSet, name });
      expect(Buffer.from(ds.bytes('PatientName')!).subarray(0, bytes.length)).toEqual(bytes);
      expect(ds.bytes('PatientName')!.length - bytes.length).toBeLessThanOrEqual(1); // at most the padding space
      const theirs = pydicomJson<{ PatientName: string; charset: string }>(object, READ_NAME);
      expect({ kind, pydicom: theirs.PatientName }).toEqual({ kind, pydicom: name });
      if (dcmtk) {
        const dump = dcmdump(object, ['+U8', '+P', '0010,0010']);
        expect({ kind, status: dump.status }).toEqual({ kind, status: 0 });
        expect(dump.stdout).toContain(`[${name}]`);
      }
      expect({ kind, errors: dciodvfy(object).errors.filter((e) => /charac|0008,0005|PatientName/i.test(e)) }).toEqual({ kind, errors: [] });
    }
  });
});
