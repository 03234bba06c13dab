/**
 * Whether two typed arrays are of one type and hold the same bytes. jest's toEqual walks a typed array element by
 * element (about 10 s for two million floats); this compares the memory at once.
 */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.constructor !== b.constructor) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
