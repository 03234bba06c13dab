/** A private data element as a vendor writes it (PS3.5 7.8): tag, VR and its text value. */
export interface PrivateElement {
  /** (gggg,eeee) as a number, group odd */
  tag: number;
  vr: 'LO' | 'IS' | 'DS' | 'SH' | 'FD';
  value: string | number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

function encode(element: PrivateElement): Buffer {
  let value: Buffer;
  if (element.vr === 'FD') {
    value = Buffer.alloc(8);
    value.writeDoubleLE(Number(element.value));
  } else {
    value = Buffer.from(String(element.value), 'latin1');
    if (value.length % 2) value = Buffer.concat([value, Buffer.from(' ')]);
  }
  const header = Buffer.alloc(8);
  header.writeUInt16LE(element.tag >>> 16, 0);
  header.writeUInt16LE(element.tag & 0xffff, 2);
  header.write(element.vr, 4, 'latin1');
  header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/**
 * Puts private elements (a private creator and its block, as scanners write vendor b-values) into a Part 10 file
 * in Explicit VR Little Endian, in ascending tag order (PS3.5 7.1). Our writer addresses attributes by keyword
 * only, and vendor tags have none.
 */
export function withPrivateElements(part10: Uint8Array, elements: readonly PrivateElement[]): Buffer {
  const bytes = Buffer.from(part10.buffer, part10.byteOffset, part10.byteLength);
  if (bytes.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a Part 10 file');
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const out: Buffer[] = [];
  let offset = 132;
  let copied = 0;
  let next = 0;
  while (offset < bytes.length && next < sorted.length) {
    const tag = ((bytes.readUInt16LE(offset) << 16) | bytes.readUInt16LE(offset + 2)) >>> 0;
    if (tag > 0x0002ffff && tag > sorted[next].tag) {
      out.push(bytes.subarray(copied, offset));
      copied = offset;
      while (next < sorted.length && sorted[next].tag < tag) out.push(encode(sorted[next++]));
      continue;
    }
    const vr = bytes.toString('latin1', offset + 4, offset + 6);
    let length: number;
    let headerLength: number;
    if (LONG_VRS.has(vr)) {
      length = bytes.readUInt32LE(offset + 8);
      headerLength = 12;
    } else {
      length = bytes.readUInt16LE(offset + 6);
      headerLength = 8;
    }
    if (length === 0xffffffff) throw new Error('undefined-length elements are not walked here');
    offset += headerLength + length;
  }
  out.push(bytes.subarray(copied));
  while (next < sorted.length) out.push(encode(sorted[next++]));
  return Buffer.concat(out);
}

/** The text value of a private element read back by tag (tests). */
export function privateText(part10: Uint8Array, tag: number): string | undefined {
  const bytes = Buffer.from(part10.buffer, part10.byteOffset, part10.byteLength);
  let offset = 132;
  while (offset + 8 <= bytes.length) {
    const t = ((bytes.readUInt16LE(offset) << 16) | bytes.readUInt16LE(offset + 2)) >>> 0;
    const vr = bytes.toString('latin1', offset + 4, offset + 6);
    const long = LONG_VRS.has(vr);
    const length = long ? bytes.readUInt32LE(offset + 8) : bytes.readUInt16LE(offset + 6);
    const start = offset + (long ? 12 : 8);
    if (t === tag) return bytes.toString('latin1', start, start + length).trim();
    offset = start + length;
  }
  return undefined;
}
