/**
 * Packs binary frames one bit per pixel (PS3.5 8.1.1, Bits Allocated 1): pixel i of the concatenated frames goes to
 * bit (i % 8) of byte floor(i / 8), least significant bit first. Frames follow each other without padding; only the
 * end is padded, to an even length (PS3.5 8.1.1, 8.2).
 */
export function packBitFrames(frames: readonly Uint8Array[], pixelsPerFrame: number): Uint8Array {
  const totalBits = frames.length * pixelsPerFrame;
  let length = Math.ceil(totalBits / 8);
  if (length % 2) length++;
  const out = new Uint8Array(length);
  let bit = 0;
  for (const frame of frames) {
    if (frame.length !== pixelsPerFrame) throw new RangeError(`frame has ${frame.length} pixels, expected ${pixelsPerFrame}`);
    for (let i = 0; i < pixelsPerFrame; i++, bit++) {
      if (frame[i]) out[bit >>> 3] |= 1 << (bit & 7);
    }
  }
  return out;
}

/** The inverse of packBitFrames: frame f as 0/1 bytes. */
export function unpackBitFrame(packed: Uint8Array, frameIndex: number, pixelsPerFrame: number): Uint8Array {
  const out = new Uint8Array(pixelsPerFrame);
  const start = frameIndex * pixelsPerFrame;
  for (let i = 0; i < pixelsPerFrame; i++) {
    const bit = start + i;
    out[i] = (packed[bit >>> 3] >>> (bit & 7)) & 1;
  }
  return out;
}
