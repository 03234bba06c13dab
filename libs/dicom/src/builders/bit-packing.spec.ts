import { packBitFrames, unpackBitFrame } from './bit-packing';

describe(packBitFrames.name, () => {
  it('puts the first pixel in the least significant bit and runs frames on without padding (PS3.5 8.1.1)', () => {
    const a = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    const b = Uint8Array.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const packed = packBitFrames([a, b], 11);
    // bits 0, 8, 9 from frame a; bits 11+1=12 and 11+10=21 from frame b
    expect(Array.from(packed)).toEqual([0b00000001, 0b00010011, 0b00100000, 0]);
    expect(packed.length % 2).toBe(0);
    expect(Array.from(unpackBitFrame(packed, 0, 11))).toEqual(Array.from(a));
    expect(Array.from(unpackBitFrame(packed, 1, 11))).toEqual(Array.from(b));
  });

  it.each([
    [1, 1],
    [3, 7],
    [5, 13],
    [4, 64],
  ])('round-trips %i frames of %i pixels of random bits', (frames, pixels) => {
    const input = Array.from({ length: frames }, () => Uint8Array.from({ length: pixels }, () => (Math.random() < 0.4 ? 1 : 0)));
    const packed = packBitFrames(input, pixels);
    expect(packed.length).toBe(Math.ceil((frames * pixels) / 8) + (Math.ceil((frames * pixels) / 8) % 2));
    input.forEach((frame, f) => expect(Array.from(unpackBitFrame(packed, f, pixels))).toEqual(Array.from(frame)));
  });

  it('treats any non-zero value as set and rejects a frame of the wrong size', () => {
    expect(Array.from(packBitFrames([Uint8Array.from([255, 0, 7, 0])], 4))).toEqual([0b101, 0]);
    expect(() => packBitFrames([new Uint8Array(3)], 4)).toThrow(RangeError);
  });
});
