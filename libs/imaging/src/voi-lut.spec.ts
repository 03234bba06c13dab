import { generateUid, readPart10 } from '@nidus/dicom';
import { dicomFromDump } from '@nidus/testing';
import { InvalidLutError } from './imaging.errors';
import { applyVoiLut, toDisplayBytes, voisOf, voiTableValue, windowValue } from './voi-lut';
import { windowPresets } from './window-presets';

describe(windowValue.name, () => {
  const range = { yMin: 0, yMax: 255 };

  it('LINEAR follows PS3.3 C.11.2.1.2.1 (c = 40, w = 80)', () => {
    const w = { center: 40, width: 80 };
    // bounds: c - 0.5 - (w-1)/2 = 0 and c - 0.5 + (w-1)/2 = 79
    expect(windowValue(0, w, range)).toBe(0);
    expect(windowValue(-1000, w, range)).toBe(0);
    expect(windowValue(40, w, range)).toBeCloseTo(((40 - 39.5) / 79 + 0.5) * 255, 10); // 129.1139...
    expect(windowValue(79, w, range)).toBeCloseTo(255, 10);
    expect(windowValue(79.5, w, range)).toBe(255);
    expect(windowValue(20, w, { yMin: -1, yMax: 1 })).toBeCloseTo(((20 - 39.5) / 79 + 0.5) * 2 - 1, 10);
    expect(() => windowValue(0, { center: 0, width: 0.5 }, range)).toThrow(InvalidLutError);
  });

  it('LINEAR_EXACT follows PS3.3 C.11.2.1.3.2', () => {
    const w = { center: 40, width: 80, function: 'LINEAR_EXACT' as const };
    expect(windowValue(0, w, range)).toBe(0);
    expect(windowValue(40, w, range)).toBe(127.5);
    expect(windowValue(60, w, range)).toBe(191.25);
    expect(windowValue(80, w, range)).toBe(255);
    expect(windowValue(80.01, w, range)).toBe(255);
    expect(() => windowValue(0, { ...w, width: 0 }, range)).toThrow(InvalidLutError);
  });

  it('SIGMOID follows PS3.3 C.11.2.1.3.1', () => {
    const w = { center: 40, width: 80, function: 'SIGMOID' as const };
    expect(windowValue(40, w, range)).toBe(127.5);
    expect(windowValue(80, w, range)).toBeCloseTo(255 / (1 + Math.exp(-2)), 10); // 224.605...
    expect(windowValue(0, w, range)).toBeCloseTo(255 / (1 + Math.exp(2)), 10); // 30.396...
  });

  it('applies a VOI LUT table scaled from its entry bits (PS3.3 C.11.2.1.1)', () => {
    const table = { entries: 3, firstValueMapped: 0, bitsPerEntry: 12, data: [0, 4095, 2048] };
    expect([-4, 0, 1, 2, 9].map((x) => voiTableValue(x, table, range))).toEqual([0, 0, 255, (2048 / 4095) * 255, (2048 / 4095) * 255]);
  });
});

describe(applyVoiLut.name, () => {
  it('agrees with windowValue over a sweep for every function, and inverts MONOCHROME1 on display', () => {
    const xs = Array.from({ length: 400 }, (_, i) => -200 + i * 1.37);
    for (const fn of ['LINEAR', 'LINEAR_EXACT', 'SIGMOID'] as const) {
      const w = { center: 35, width: 90, function: fn };
      const got = applyVoiLut(xs, w);
      xs.forEach((x, i) => expect(got[i]).toBeCloseTo(windowValue(x, w), 3));
    }
    const grey = toDisplayBytes([-100, 40, 1000], windowPresets.brain, 'MONOCHROME2');
    expect(Array.from(grey)).toEqual([0, Math.round(windowValue(40, windowPresets.brain)), 255]);
    expect(Array.from(toDisplayBytes([-100, 40, 1000], windowPresets.brain, 'MONOCHROME1'))).toEqual([255, 255 - grey[1], 0]);
  });

  it('names the usual CT presets in HU', () => {
    expect(windowPresets.brain).toEqual({ center: 40, width: 80 });
    expect(Object.keys(windowPresets).sort()).toEqual(['bone', 'brain', 'lung', 'softTissue', 'stroke', 'subdural']);
    for (const w of Object.values(windowPresets)) expect(w.width).toBeGreaterThan(1);
  });
});

describe(voisOf.name, () => {
  it('reads every window with its function and explanation, then VOI LUT Sequence items', () => {
    const ds = readPart10(
      dicomFromDump(
        [
          '(0008,0016) UI 1.2.840.10008.5.1.4.1.1.2',
          `(0008,0018) UI ${generateUid()}`,
          '(0028,1050) DS 40\\-600',
          '(0028,1051) DS 80\\1500',
          '(0028,1055) LO BRAIN\\LUNG',
          '(0028,1056) CS SIGMOID',
          '(0028,3010) SQ (Sequence with undefined length)',
          '(fffe,e000) na (Item with undefined length)',
          '(0028,3002) US 2\\0\\8',
          '(0028,3006) US 0\\255',
          '(fffe,e00d) na (ItemDelimitationItem)',
          '(fffe,e0dd) na (SequenceDelimitationItem)',
        ].join('\n'),
        '+te',
      ),
    );
    const vois = voisOf(ds);
    expect(vois.slice(0, 2)).toEqual([
      { center: 40, width: 80, function: 'SIGMOID', explanation: 'BRAIN' },
      { center: -600, width: 1500, function: 'SIGMOID', explanation: 'LUNG' },
    ]);
    expect('table' in vois[2] && Array.from(vois[2].table.data)).toEqual([0, 255]);
  });
});
