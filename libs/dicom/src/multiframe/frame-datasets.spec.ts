import { readPart10 } from '../part10-reader';
import { writePart10 } from '../part10-writer';
import { frameDatasets, hasFunctionalGroups } from './frame-datasets';

/** An enhanced image of three 2 x 2 frames: orientation and spacing shared, position, time and b-value per frame. */
function enhanced(): Uint8Array {
  return writePart10({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.4.1',
    SOPInstanceUID: '1.2.3.4',
    StudyInstanceUID: '1.2.3',
    SeriesInstanceUID: '1.2.3.1',
    Modality: 'MR',
    PatientName: 'TEST^FRAMES',
    Rows: 2,
    Columns: 2,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    NumberOfFrames: 3,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: [0.5, 0.5], SliceThickness: 5 }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
        MREchoSequence: [{ EffectiveEchoTime: 30 }],
      },
    ],
    PerFrameFunctionalGroupsSequence: [0, 1, 2].map((k) => ({
      FrameContentSequence: [{ FrameAcquisitionDateTime: `20240612094${k}00.000000`, TemporalPositionIndex: k + 1 }],
      PlanePositionSequence: [{ ImagePositionPatient: [0, 0, 5 * k] }],
      MRDiffusionSequence: [{ DiffusionBValue: k * 500 }],
      // the last frame overrides the shared spacing (a per-frame value wins)
      ...(k === 2 ? { PixelMeasuresSequence: [{ PixelSpacing: [0.75, 0.75], SliceThickness: 5 }] } : {}),
    })),
    PixelData: Uint16Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 4) + i),
  });
}

describe(frameDatasets.name, () => {
  it('gives each frame as a single-frame image: its own position, time, b-value and pixels, the shared rest', () => {
    const ds = readPart10(enhanced());
    expect(hasFunctionalGroups(ds)).toBe(true);
    const frames = frameDatasets(ds);
    expect(frames).toHaveLength(3);
    frames.forEach((f, k) => {
      expect(f.numbers('ImagePositionPatient')).toEqual([0, 0, 5 * k]);
      expect(f.numbers('ImageOrientationPatient')).toEqual([1, 0, 0, 0, 1, 0]);
      expect(f.number('DiffusionBValue')).toBe(k * 500);
      expect(f.number('TemporalPositionIndex')).toBe(k + 1);
      expect(f.number('EffectiveEchoTime')).toBe(30);
      expect(f.string('AcquisitionDateTime')).toBe(`20240612094${k}00.000000`);
      expect(f.string('PatientName')).toBe('TEST^FRAMES');
      expect(f.string('SOPInstanceUID')).toBe('1.2.3.4');
      expect(f.has('NumberOfFrames')).toBe(false);
      expect(f.has('PerFrameFunctionalGroupsSequence')).toBe(false);
      const bytes = f.bytes('PixelData')!;
      expect(Array.from(new Uint16Array(new Uint8Array(bytes).buffer))).toEqual([0, 1, 2, 3].map((i) => 100 * k + 4 * k + i));
    });
    expect(frames[0].numbers('PixelSpacing')).toEqual([0.5, 0.5]);
    expect(frames[2].numbers('PixelSpacing')).toEqual([0.75, 0.75]);
  });

  it('splits a header read without its pixels, and leaves a classic image as it is', () => {
    const header = readPart10(enhanced(), { untilTag: 'x7fe00010' });
    const frames = frameDatasets(header);
    expect(frames.map((f) => f.number('DiffusionBValue'))).toEqual([0, 500, 1000]);
    const classic = readPart10(writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.4', SOPInstanceUID: '1.2.3.5', Modality: 'MR', EchoTime: 30 }));
    expect(frameDatasets(classic)).toEqual([classic]);
  });

  it('refuses a per-frame sequence that does not match NumberOfFrames, and a short Pixel Data', () => {
    const ds = readPart10(enhanced());
    const short = readPart10(
      writePart10({
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.4.1',
        SOPInstanceUID: '1.2.3.6',
        Rows: 2,
        Columns: 2,
        BitsAllocated: 16,
        NumberOfFrames: 2,
        PerFrameFunctionalGroupsSequence: [
          { PlanePositionSequence: [{ ImagePositionPatient: [0, 0, 0] }] },
          { PlanePositionSequence: [{ ImagePositionPatient: [0, 0, 1] }] },
        ],
        PixelData: new Uint16Array(4),
      }),
    );
    expect(() => frameDatasets(short)).toThrow(/invalid PixelData: 8 bytes for 2 frames of 8/);
    expect(frameDatasets(ds)).toHaveLength(3);
  });
});
