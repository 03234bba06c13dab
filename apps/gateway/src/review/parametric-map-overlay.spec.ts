import { buildParametricMap, code, Codes, readPart10 } from '@nidus/dicom';
import { syntheticCtSeries } from '@nidus/testing';
import { parametricMapOverlay, UnreadableParametricMapError } from './parametric-map-overlay';

describe(parametricMapOverlay.name, () => {
  it('gives each source image its levels over the display range, padding transparent and values beyond it clamped', () => {
    const source = syntheticCtSeries({ rows: 2, columns: 3, slices: 2 });
    // slice 0: 0, 3, 6, 12, 20 (beyond the range), no value; slice 1: 9 everywhere
    const values = Float32Array.from([0, 3, 6, 12, 20, 5, 9, 9, 9, 9, 9, 9]);
    const mask = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
    const pm = buildParametricMap(
      {
        source: source.datasets[0],
        geometry: source.geometry,
        quantity: code('TMAX', '99NIDUS', 'Tmax'),
        unit: Codes.Second,
        label: 'TMAX',
        values,
        mask,
        displayRange: [0, 12],
        instanceKey: 'tmax',
      },
      { softwareVersion: 'test' },
    );
    const overlay = parametricMapOverlay(readPart10(pm.bytes));
    expect([overlay.label, overlay.unit, overlay.range, overlay.Rows, overlay.Columns]).toEqual(['TMAX', 's', [0, 12], 2, 3]);
    const levels = (uid: string) => [...Buffer.from(overlay.frames[uid], 'base64')];
    const [first, second] = source.geometry.slices.map((s) => s.SOPInstanceUID);
    expect(levels(first)).toEqual([1, 65, 128, 255, 255, 0]);
    expect(levels(second)).toEqual(Array(6).fill(192));
  });

  it('refuses what is not a float map', () => {
    const source = syntheticCtSeries({ rows: 2, columns: 2, slices: 1 });
    expect(() => parametricMapOverlay(source.datasets[0])).toThrow(UnreadableParametricMapError);
  });
});
