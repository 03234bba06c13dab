import { levelValue, MAP_PALETTE, mapPixels } from './map-layer';

(globalThis as { atob?: (s: string) => string }).atob ??= (s: string) => Buffer.from(s, 'base64').toString('latin1');

describe(mapPixels.name, () => {
  const map = {
    SOPInstanceUID: '9',
    label: 'TMAX',
    meaning: 'Tmax',
    unit: 's',
    range: [0, 12] as [number, number],
    Rows: 1,
    Columns: 3,
    frames: { '1.2': Buffer.from([0, 1, 255]).toString('base64') },
  };

  it('colours each level, leaves pixels without a value transparent, and knows no frame of another image', () => {
    const rgba = [...mapPixels(map, '1.2', 0.5)!];
    expect(rgba.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(rgba.slice(4, 8)).toEqual([...MAP_PALETTE[1], 128]);
    expect(rgba.slice(8, 12)).toEqual([...MAP_PALETTE[255], 128]);
    expect(mapPixels(map, '3.4', 1)).toBeNull();
  });

  it('runs from dark blue (low) to red (high), without the outlines green or magenta, each level a distinct colour', () => {
    expect(MAP_PALETTE[1]).toEqual([0, 0, 96]);
    expect(MAP_PALETTE[255]).toEqual([255, 0, 0]);
    for (const [r, g, b] of MAP_PALETTE.slice(1)) {
      expect(g > 200 && r < 100 && b < 100).toBe(false);
      expect(r > 200 && b > 200 && g < 100).toBe(false);
    }
    expect(new Set(MAP_PALETTE.slice(1).map((c) => c.join())).size).toBeGreaterThan(240);
    expect([levelValue(map, 1), levelValue(map, 255)]).toEqual([0, 12]);
  });
});
