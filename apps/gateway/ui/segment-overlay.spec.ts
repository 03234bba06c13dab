import { segmentPixels } from './segment-overlay';

(globalThis as { atob?: (s: string) => string }).atob ??= (s: string) => Buffer.from(s, 'base64').toString('latin1');

function packed(mask: number[]): string {
  const out = new Uint8Array(Math.ceil(mask.length / 8));
  mask.forEach((v, i) => v && (out[i >> 3] |= 1 << (i & 7)));
  return Buffer.from(out).toString('base64');
}

describe(segmentPixels.name, () => {
  // a 4x4 frame with a 3x3 block at the top left: its centre is inside, the rest is outline
  const mask = [1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0];
  const segment = { SegmentNumber: 1, SegmentLabel: 'core', rgb: [255, 0, 255] as [number, number, number], frames: { '1.2.3': packed(mask) } };

  it('fills the inside at the opacity asked and draws the outline opaque, in the segment colour', () => {
    const rgba = segmentPixels(segment, '1.2.3', 4, 4, 0.4)!;
    const at = (x: number, y: number) => [...rgba.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4)];
    expect(at(1, 1)).toEqual([255, 0, 255, 102]);
    expect(at(0, 0)).toEqual([255, 0, 255, 255]);
    expect(at(2, 1)).toEqual([255, 0, 255, 255]);
    expect(at(3, 3)).toEqual([0, 0, 0, 0]);
  });

  it('has nothing for an image the segment does not touch', () => {
    expect(segmentPixels(segment, '9.9', 4, 4, 0.4)).toBeNull();
  });
});
