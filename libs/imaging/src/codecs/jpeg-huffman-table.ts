// Huffman tables of DCT-based JPEG (ITU-T T.81 Annex C and F.2.2.3): codes generated from BITS and HUFFVAL,
// decoded through a 9-bit lookup with the canonical MAXCODE/VALPTR procedure for longer codes.
import { CorruptPixelDataError } from '../imaging.errors';

const LOOKUP_BITS = 9;

export class JpegHuffmanTable {
  /** for each 9-bit prefix: (code length << 8) | value, or 0 when the code is longer */
  readonly lookup = new Uint16Array(1 << LOOKUP_BITS);
  /** largest code of each length 1..16, -1 when there is none (T.81 F.2.2.3, MAXCODE) */
  readonly maxCode = new Int32Array(18);
  /** index into `values` of the first code of each length, minus that code (VALPTR - MINCODE) */
  readonly offset = new Int32Array(17);
  readonly values: Uint8Array;

  /** `counts`: number of codes of each length 1..16 (BITS); `values`: the symbols in code order (HUFFVAL). */
  constructor(counts: Uint8Array, values: Uint8Array) {
    if (counts.length !== 16) throw new CorruptPixelDataError('JPEG Huffman table needs 16 code counts');
    this.values = values;
    let code = 0;
    let k = 0;
    for (let length = 1; length <= 16; length++) {
      const n = counts[length - 1];
      this.offset[length] = k - code;
      for (let i = 0; i < n; i++, k++, code++) {
        if (k >= values.length) throw new CorruptPixelDataError('JPEG Huffman table has fewer values than codes');
        if (length <= LOOKUP_BITS) {
          const shift = LOOKUP_BITS - length;
          for (let fill = 0; fill < 1 << shift; fill++) this.lookup[(code << shift) | fill] = (length << 8) | values[k];
        }
      }
      this.maxCode[length] = n ? code - 1 : -1;
      if (code > 1 << length) throw new CorruptPixelDataError('JPEG Huffman table has more codes than its lengths allow');
      code <<= 1;
    }
    this.maxCode[17] = 0x7fffffff; // sentinel: a code longer than 16 bits is corrupt
  }
}
