// A small sequential DCT JPEG encoder (ITU-T T.81 Annex F) for tests: 8- or 12-bit samples, one or three components
// with sampling factors, restart intervals, interleaved or one scan per component. Its streams are decoded by dcmtk
// and libjpeg-turbo as references; the decoder under test then has to agree with them. Huffman tables use codes of
// one length (5 bits DC, 8 bits AC), which T.81 allows and which keeps the encoder short; speed is no concern here.

export interface JpegTestEncodeOptions {
  precision: 8 | 12;
  /** sampling factors per component (1 or 3 components) */
  sampling: { h: number; v: number }[];
  /** quantization step for every coefficient (1 gives nearly lossless) or a 64-entry table in natural order */
  quantization: number | Uint16Array;
  restartInterval?: number;
  /** one scan with all components (default), or one scan per component */
  interleaved?: boolean;
  /** component identifiers (default 1, 2, 3: YCbCr by the JFIF convention) */
  componentIds?: number[];
}

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

class BitWriter {
  readonly bytes: number[] = [];
  private buffer = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.buffer = (this.buffer << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  /** pad with 1 bits to the byte boundary (T.81 F.1.2.3) */
  align(): void {
    while (this.count !== 0) this.write(1, 1);
  }

  private flushByte(): void {
    this.bytes.push(this.buffer);
    if (this.buffer === 0xff) this.bytes.push(0x00); // byte stuffing
    this.buffer = 0;
    this.count = 0;
  }
}

function category(v: number): number {
  let a = Math.abs(v),
    n = 0;
  while (a) {
    a >>= 1;
    n++;
  }
  return n;
}

function segment(marker: number, body: number[]): number[] {
  return [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
}

/** Encodes `samples` (interleaved by pixel, at full resolution, already in the colour space to code) as a JPEG bitstream. */
export function encodeTestJpeg(samples: ArrayLike<number>, rows: number, columns: number, o: JpegTestEncodeOptions): Uint8Array {
  const n = o.sampling.length;
  const hMax = Math.max(...o.sampling.map((s) => s.h)),
    vMax = Math.max(...o.sampling.map((s) => s.v));
  const mcusX = Math.ceil(columns / (8 * hMax)),
    mcusY = Math.ceil(rows / (8 * vMax));
  const q = typeof o.quantization === 'number' ? new Uint16Array(64).fill(o.quantization) : o.quantization;
  const shift = 1 << (o.precision - 1);
  const cos = (x: number, u: number) => Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  // per component: quantized coefficients of every block of a grid that covers whole MCUs
  const blocks = o.sampling.map((s, c) => {
    const width = mcusX * s.h * 8,
      height = mcusY * s.v * 8;
    const sx = hMax / s.h,
      sy = vMax / s.v;
    const plane = new Float64Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        // box-filter down-sampling, edges replicated
        let sum = 0;
        for (let dy = 0; dy < sy; dy++)
          for (let dx = 0; dx < sx; dx++) {
            const yy = Math.min(rows - 1, y * sy + dy),
              xx = Math.min(columns - 1, x * sx + dx);
            sum += samples[(yy * columns + xx) * n + c];
          }
        plane[y * width + x] = sum / (sx * sy) - shift;
      }
    const perLine = width / 8;
    const coefficients: Int32Array[] = [];
    for (let by = 0; by < height / 8; by++)
      for (let bx = 0; bx < perLine; bx++) {
        const out = new Int32Array(64);
        for (let v = 0; v < 8; v++)
          for (let u = 0; u < 8; u++) {
            let sum = 0;
            for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) sum += plane[(by * 8 + y) * width + bx * 8 + x] * cos(x, u) * cos(y, v);
            const cu = u ? 1 : Math.SQRT1_2,
              cv = v ? 1 : Math.SQRT1_2;
            out[v * 8 + u] = Math.round((0.25 * cu * cv * sum) / q[v * 8 + u]);
          }
        coefficients.push(out);
      }
    return { perLine, coefficients, s };
  });
  // Huffman tables of one code length: DC categories 0..15 in 5 bits, AC symbols (run, size) in 8 bits
  const dcSymbols = Array.from({ length: o.precision === 12 ? 16 : 12 }, (_, i) => i);
  const maxSize = o.precision === 12 ? 14 : 10;
  const acSymbols = [0x00, 0xf0];
  for (let r = 0; r < 16; r++) for (let s = 1; s <= maxSize; s++) acSymbols.push((r << 4) | s);
  const dcCode = new Map(dcSymbols.map((s, i) => [s, i]));
  const acCode = new Map(acSymbols.map((s, i) => [s, i]));
  const bits = (length: number, count: number) => Array.from({ length: 16 }, (_, i) => (i === length - 1 ? count : 0));

  const out: number[] = [0xff, 0xd8];
  out.push(...segment(0xdb, [o.precision === 12 ? 0x10 : 0x00, ...ZIGZAG.flatMap((k) => (o.precision === 12 ? [q[k] >> 8, q[k] & 0xff] : [q[k]]))]));
  const ids = o.componentIds ?? [1, 2, 3].slice(0, n);
  out.push(
    ...segment(o.precision === 12 ? 0xc1 : 0xc0, [
      o.precision,
      rows >> 8,
      rows & 0xff,
      columns >> 8,
      columns & 0xff,
      n,
      ...o.sampling.flatMap((s, c) => [ids[c], (s.h << 4) | s.v, 0]),
    ]),
  );
  out.push(...segment(0xc4, [0x00, ...bits(5, dcSymbols.length), ...dcSymbols, 0x10, ...bits(8, acSymbols.length), ...acSymbols]));
  if (o.restartInterval) out.push(...segment(0xdd, [o.restartInterval >> 8, o.restartInterval & 0xff]));

  const encodeBlock = (w: BitWriter, block: Int32Array, predictor: { dc: number }) => {
    const diff = block[0] - predictor.dc;
    predictor.dc = block[0];
    const t = category(diff);
    w.write(dcCode.get(t)!, 5);
    if (t) w.write(diff < 0 ? diff + (1 << t) - 1 : diff, t);
    let run = 0;
    for (let k = 1; k < 64; k++) {
      const v = block[ZIGZAG[k]];
      if (v === 0) {
        run++;
        continue;
      }
      while (run > 15) {
        w.write(acCode.get(0xf0)!, 8);
        run -= 16;
      }
      const s = category(v);
      w.write(acCode.get((run << 4) | s)!, 8);
      w.write(v < 0 ? v + (1 << s) - 1 : v, s);
      run = 0;
    }
    if (run) w.write(acCode.get(0x00)!, 8);
  };

  const scans = o.interleaved === false ? o.sampling.map((_, c) => [c]) : [o.sampling.map((_, c) => c)];
  for (const scan of scans) {
    out.push(...segment(0xda, [scan.length, ...scan.flatMap((c) => [ids[c], 0x00]), 0, 63, 0]));
    const w = new BitWriter();
    const predictors = scan.map(() => ({ dc: 0 }));
    let restarts = 0;
    const units: (() => void)[] = [];
    if (scan.length === 1) {
      const b = blocks[scan[0]];
      const perLine = Math.ceil(Math.ceil((columns * b.s.h) / hMax) / 8),
        perColumn = Math.ceil(Math.ceil((rows * b.s.v) / vMax) / 8);
      for (let by = 0; by < perColumn; by++)
        for (let bx = 0; bx < perLine; bx++) units.push(() => encodeBlock(w, b.coefficients[by * b.perLine + bx], predictors[0]));
    } else {
      for (let my = 0; my < mcusY; my++)
        for (let mx = 0; mx < mcusX; mx++)
          units.push(() =>
            scan.forEach((c, k) => {
              const b = blocks[c];
              for (let v = 0; v < b.s.v; v++)
                for (let h = 0; h < b.s.h; h++) encodeBlock(w, b.coefficients[(my * b.s.v + v) * b.perLine + mx * b.s.h + h], predictors[k]);
            }),
          );
    }
    units.forEach((unit, i) => {
      if (o.restartInterval && i > 0 && i % o.restartInterval === 0) {
        w.align();
        w.bytes.push(0xff, 0xd0 + (restarts++ % 8));
        for (const p of predictors) p.dc = 0;
      }
      unit();
    });
    w.align();
    out.push(...w.bytes);
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
