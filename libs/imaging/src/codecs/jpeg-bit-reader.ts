// Bits of an entropy-coded segment (ITU-T T.81 F.2.2.5, B.1.1.5): a 0xFF data byte is followed by a stuffed 0x00;
// any other byte after 0xFF is a marker, which ends the segment (past it the reader supplies zero bits).
import { CorruptPixelDataError } from '../imaging.errors';
import type { JpegHuffmanTable } from './jpeg-huffman-table';

export class JpegBitReader {
  private buffer = 0;
  private bits = 0;
  /** the marker that ended the segment (its second byte), once reached */
  marker = -1;

  constructor(
    private readonly data: Uint8Array,
    /** position of the next byte to read */
    public position: number,
  ) {}

  private fill(): void {
    while (this.bits <= 24) {
      let byte = 0;
      if (this.marker < 0 && this.position < this.data.length) {
        byte = this.data[this.position];
        if (byte === 0xff) {
          const next = this.data[this.position + 1];
          if (next === 0x00) this.position += 2;
          else if (next === 0xff) {
            this.position++; // fill bytes before a marker (B.1.1.2)
            continue;
          } else {
            this.marker = next ?? 0xd9;
            byte = 0;
          }
        } else this.position++;
      }
      this.buffer = ((this.buffer << 8) | byte) >>> 0;
      this.bits += 8;
    }
  }

  /** `n` bits (0..16) as an unsigned integer. */
  receive(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    return (this.buffer >>> this.bits) & ((1 << n) - 1);
  }

  /** `n` bits as a signed difference (T.81 F.2.2.1, EXTEND). */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.receive(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  decode(table: JpegHuffmanTable): number {
    if (this.bits < 16) this.fill();
    const peek = (this.buffer >>> (this.bits - 9)) & 0x1ff;
    const hit = table.lookup[peek];
    if (hit) {
      this.bits -= hit >> 8;
      return hit & 0xff;
    }
    // longer than 9 bits: T.81 F.2.2.3, one bit at a time from length 10
    let code = peek;
    let length = 9;
    this.bits -= 9;
    while (code > table.maxCode[length]) {
      if (length >= 16) throw new CorruptPixelDataError('JPEG entropy-coded data holds a Huffman code that no table defines');
      code = (code << 1) | this.receive(1);
      length++;
    }
    return table.values[table.offset[length] + code];
  }

  /**
   * At a restart interval's end (T.81 F.2.1.3.1): drop the bits left in the byte, step over the RSTn marker.
   * Returns false when the marker found is not a restart marker.
   */
  restart(): boolean {
    this.buffer = 0;
    this.bits = 0;
    if (this.marker < 0) {
      // the marker has not been reached by the look-ahead yet: find it
      while (
        this.position + 1 < this.data.length &&
        !(this.data[this.position] === 0xff && this.data[this.position + 1] !== 0 && this.data[this.position + 1] !== 0xff)
      )
        this.position++;
      this.marker = this.position + 1 < this.data.length ? this.data[this.position + 1] : -1;
    }
    const isRestart = this.marker >= 0xd0 && this.marker <= 0xd7;
    if (isRestart) {
      this.position += 2;
      this.marker = -1;
    }
    return isRestart;
  }
}
