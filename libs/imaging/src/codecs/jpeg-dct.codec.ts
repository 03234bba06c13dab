// DCT-based sequential JPEG with Huffman coding, 8- and 12-bit samples (ITU-T T.81 processes 1, 2 and 4; Annex F),
// written for the 12-bit JPEG Extended images that no installed codec reads. Baseline 8-bit frames go to libjpeg-turbo.
import { CorruptPixelDataError, FrameDecodeError } from '../imaging.errors';
import { upsampleComponent } from './chroma-upsampling';
import { JpegBitReader } from './jpeg-bit-reader';
import { JpegHuffmanTable } from './jpeg-huffman-table';
import { inverseDct8x8 } from './jpeg-inverse-dct';

/** Zig-zag sequence position -> natural (row-major) position in the 8x8 block (T.81 Figure A.6). */
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Component {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** blocks per line and per column, covering whole MCUs */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** dequantization happens after the scans: a table may be redefined between them (T.81 B.2.4.1) */
  coefficients: Int32Array;
  quantization?: Uint16Array;
  dcPredictor: number;
}

export interface JpegDctImage {
  rows: number;
  columns: number;
  precision: number;
  components: number;
  /** samples interleaved per pixel, at full resolution, in the coded colour space */
  samples: Uint8Array | Uint16Array;
}

function u16(data: Uint8Array, i: number): number {
  return (data[i] << 8) | data[i + 1];
}

/** Decodes a whole JPEG bitstream of SOF0 or SOF1 (sequential DCT, Huffman) into samples. */
export function decodeJpegDct(data: Uint8Array, transferSyntaxUID: string): JpegDctImage {
  const fail = (why: string): never => {
    throw new FrameDecodeError(transferSyntaxUID, why);
  };
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new CorruptPixelDataError('frame does not start with a JPEG SOI marker');
  const quantTables: Uint16Array[] = [];
  const dcTables: JpegHuffmanTable[] = [];
  const acTables: JpegHuffmanTable[] = [];
  let components: Component[] = [];
  let rows = 0,
    columns = 0,
    precision = 0,
    hMax = 1,
    vMax = 1,
    mcusPerLine = 0,
    mcusPerColumn = 0,
    restartInterval = 0,
    frameSeen = false,
    scans = 0;
  let i = 2;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1];
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    const length = u16(data, i + 2);
    const start = i + 4;
    const end = i + 2 + length;
    if (end > data.length) fail(`marker FF${marker.toString(16)} segment runs past the end of the bitstream`);
    switch (marker) {
      case 0xdb: {
        // DQT (B.2.4.1): Pq (0: 8-bit, 1: 16-bit values) and Tq, then 64 values in zig-zag order
        let p = start;
        while (p < end) {
          const pq = data[p] >> 4,
            tq = data[p] & 15;
          p++;
          const table = new Uint16Array(64);
          for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = pq ? u16(data, p + 2 * k) : data[p + k];
          p += pq ? 128 : 64;
          if (tq > 3) fail(`quantization table ${tq} is outside 0..3`);
          quantTables[tq] = table;
        }
        break;
      }
      case 0xc4: {
        // DHT (B.2.4.2): Tc (0 DC, 1 AC) and Th, 16 counts, then the values
        let p = start;
        while (p < end) {
          const tc = data[p] >> 4,
            th = data[p] & 15;
          const counts = data.subarray(p + 1, p + 17);
          const n = counts.reduce((a, b) => a + b, 0);
          const table = new JpegHuffmanTable(Uint8Array.from(counts), Uint8Array.from(data.subarray(p + 17, p + 17 + n)));
          if (th > 3) fail(`Huffman table ${th} is outside 0..3`);
          (tc === 0 ? dcTables : acTables)[th] = table;
          p += 17 + n;
        }
        break;
      }
      case 0xdd: // DRI (B.2.4.4)
        restartInterval = u16(data, start);
        break;
      case 0xc0:
      case 0xc1: {
        // SOF0 baseline, SOF1 extended sequential (B.2.2)
        if (frameSeen) fail('more than one frame header');
        frameSeen = true;
        precision = data[start];
        rows = u16(data, start + 1);
        columns = u16(data, start + 3);
        const n = data[start + 5];
        if (precision !== 8 && precision !== 12) fail(`sample precision ${precision} is not 8 or 12 (T.81 B.2.2)`);
        if (rows === 0) fail('the frame defines its number of lines in a DNL marker, which is not supported');
        if (columns === 0 || n === 0 || n > 4) fail(`frame of ${columns} columns and ${n} components is not decodable`);
        components = Array.from({ length: n }, (_, c) => ({
          id: data[start + 6 + 3 * c],
          h: data[start + 7 + 3 * c] >> 4 || 1,
          v: data[start + 7 + 3 * c] & 15 || 1,
          quantTable: data[start + 8 + 3 * c],
          blocksPerLine: 0,
          blocksPerColumn: 0,
          coefficients: new Int32Array(0),
          dcPredictor: 0,
        }));
        hMax = Math.max(...components.map((c) => c.h));
        vMax = Math.max(...components.map((c) => c.v));
        mcusPerLine = Math.ceil(columns / (8 * hMax));
        mcusPerColumn = Math.ceil(rows / (8 * vMax));
        for (const c of components) {
          c.blocksPerLine = mcusPerLine * c.h;
          c.blocksPerColumn = mcusPerColumn * c.v;
          c.coefficients = new Int32Array(c.blocksPerLine * c.blocksPerColumn * 64);
        }
        break;
      }
      case 0xc2:
      case 0xc3:
      case 0xc5:
      case 0xc6:
      case 0xc7:
      case 0xc9:
      case 0xca:
      case 0xcb:
      case 0xcd:
      case 0xce:
      case 0xcf:
        fail(`JPEG process SOF${(marker - 0xc0).toString(16)} is not sequential DCT with Huffman coding (SOF0, SOF1)`);
        break;
      case 0xda: {
        if (!frameSeen) fail('scan before the frame header');
        const ns = data[start];
        const scan = Array.from({ length: ns }, (_, k) => {
          const id = data[start + 1 + 2 * k];
          const component = components.find((c) => c.id === id) ?? fail(`scan names component ${id}, which the frame does not define`);
          const td = data[start + 2 + 2 * k] >> 4,
            ta = data[start + 2 + 2 * k] & 15;
          const dc = dcTables[td] ?? fail(`scan uses DC Huffman table ${td}, which is not defined`);
          const ac = acTables[ta] ?? fail(`scan uses AC Huffman table ${ta}, which is not defined`);
          return { component, dc, ac };
        });
        // Ss, Se, Ah, Al: fixed at 0, 63, 0, 0 for sequential DCT; some encoders write other values, which are ignored
        const reader = new JpegBitReader(data, end);
        decodeScan(reader, scan, { mcusPerLine, mcusPerColumn, restartInterval, columns, rows, hMax, vMax }, transferSyntaxUID);
        scans++;
        // continue after the entropy-coded data, at the marker that ended it
        i = reader.position;
        while (i + 1 < data.length && !(data[i] === 0xff && data[i + 1] !== 0x00 && (data[i + 1] < 0xd0 || data[i + 1] > 0xd7))) i++;
        for (const c of scan) c.component.quantization = quantTables[c.component.quantTable];
        continue;
      }
      default:
        break; // APPn, COM and the rest carry nothing the samples need
    }
    i = end;
  }
  if (!frameSeen) fail('JPEG bitstream has no frame header (SOF)');
  if (scans === 0) fail('JPEG bitstream has no scan');
  return { rows, columns, precision, components: components.length, samples: reconstruct(components, rows, columns, precision, hMax, vMax, fail) };
}

/** Rounded to the nearest integer and clamped to 0..max (T.81 A.3.1). */
function clampRound(v: number, max: number): number {
  return v <= 0 ? 0 : v >= max ? max : Math.floor(v + 0.5);
}

interface ScanGeometry {
  mcusPerLine: number;
  mcusPerColumn: number;
  restartInterval: number;
  columns: number;
  rows: number;
  hMax: number;
  vMax: number;
}

function decodeBlock(reader: JpegBitReader, c: Component, dc: JpegHuffmanTable, ac: JpegHuffmanTable, offset: number): void {
  // T.81 F.2.2.1 (DC difference) and F.2.2.2 (AC coefficients)
  const out = c.coefficients;
  const t = reader.decode(dc);
  c.dcPredictor += reader.receiveExtend(t);
  out[offset] = c.dcPredictor;
  for (let k = 1; k < 64;) {
    const rs = reader.decode(ac);
    const r = rs >> 4,
      s = rs & 15;
    if (s === 0) {
      if (r !== 15) break; // EOB
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) break;
    out[offset + ZIGZAG[k]] = reader.receiveExtend(s);
    k++;
  }
}

function decodeScan(
  reader: JpegBitReader,
  scan: { component: Component; dc: JpegHuffmanTable; ac: JpegHuffmanTable }[],
  g: ScanGeometry,
  transferSyntaxUID: string,
): void {
  for (const s of scan) s.component.dcPredictor = 0;
  const single = scan.length === 1;
  // a non-interleaved scan covers the component's own blocks, not whole MCUs (T.81 A.2.2)
  const c0 = scan[0].component;
  const blocksPerLine = single ? Math.ceil(Math.ceil((g.columns * c0.h) / g.hMax) / 8) : 0;
  const blocksPerColumn = single ? Math.ceil(Math.ceil((g.rows * c0.v) / g.vMax) / 8) : 0;
  const total = single ? blocksPerLine * blocksPerColumn : g.mcusPerLine * g.mcusPerColumn;
  for (let mcu = 0; mcu < total; mcu++) {
    if (g.restartInterval && mcu > 0 && mcu % g.restartInterval === 0) {
      if (!reader.restart()) throw new FrameDecodeError(transferSyntaxUID, `restart marker missing after MCU ${mcu}`);
      for (const s of scan) s.component.dcPredictor = 0;
    }
    if (single) {
      const row = Math.floor(mcu / blocksPerLine),
        col = mcu % blocksPerLine;
      decodeBlock(reader, c0, scan[0].dc, scan[0].ac, (row * c0.blocksPerLine + col) * 64);
      continue;
    }
    const mcuRow = Math.floor(mcu / g.mcusPerLine),
      mcuCol = mcu % g.mcusPerLine;
    for (const { component: c, dc, ac } of scan) {
      for (let v = 0; v < c.v; v++)
        for (let h = 0; h < c.h; h++) decodeBlock(reader, c, dc, ac, ((mcuRow * c.v + v) * c.blocksPerLine + mcuCol * c.h + h) * 64);
    }
  }
}

/** Dequantization, inverse DCT, level shift and clamp (T.81 A.3.1), then each component up to full size. */
function reconstruct(
  components: Component[],
  rows: number,
  columns: number,
  precision: number,
  hMax: number,
  vMax: number,
  fail: (why: string) => never,
): Uint8Array | Uint16Array {
  const n = components.length;
  const out = precision > 8 ? new Uint16Array(rows * columns * n) : new Uint8Array(rows * columns * n);
  const shift = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  const block = new Float64Array(64);
  const dequantized = new Float64Array(64);
  components.forEach((c, ci) => {
    const q = c.quantization ?? fail(`quantization table ${c.quantTable} is not defined`);
    const width = c.blocksPerLine * 8;
    const plane = new Uint16Array(width * c.blocksPerColumn * 8);
    for (let by = 0; by < c.blocksPerColumn; by++) {
      for (let bx = 0; bx < c.blocksPerLine; bx++) {
        const offset = (by * c.blocksPerLine + bx) * 64;
        let ac = false;
        for (let k = 1; k < 64 && !ac; k++) ac = c.coefficients[offset + k] !== 0;
        if (!ac) {
          // a flat block: the inverse DCT of DC alone is DC/8 everywhere (T.81 A.3.3 with C(0)^2 = 1/2)
          const value = clampRound((c.coefficients[offset] * q[0]) / 8 + shift, max);
          for (let y = 0; y < 8; y++) plane.fill(value, (by * 8 + y) * width + bx * 8, (by * 8 + y) * width + bx * 8 + 8);
          continue;
        }
        for (let k = 0; k < 64; k++) dequantized[k] = c.coefficients[offset + k] * q[k];
        inverseDct8x8(dequantized, 0, block);
        for (let y = 0; y < 8; y++) {
          const line = (by * 8 + y) * width + bx * 8;
          for (let x = 0; x < 8; x++) plane[line + x] = clampRound(block[y * 8 + x] + shift, max);
        }
      }
    }
    // the component's own size (T.81 A.1.1): its samples beyond are padding of the last block
    const componentColumns = Math.ceil((columns * c.h) / hMax),
      componentRows = Math.ceil((rows * c.v) / vMax);
    upsampleComponent(plane, width, componentColumns, componentRows, hMax / c.h, vMax / c.v, out, rows, columns, n, ci);
  });
  return out;
}
