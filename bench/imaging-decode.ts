// Decode throughput per transfer syntax against dcmtk/GDCM on the same files, and loading a 640-image
// CT perfusion series (16 slices x 40 time points, 512 x 512) into one Float32 volume.
// Run: npm run build && node dist/bench/imaging-decode.js [--runs 5] [--frames 8]
import './register-aliases';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncapsulatedFrames, readPart10, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { decodeFrameSync, load4DFromFiles, pixelModuleOf, prepareDecoders } from '@nidus/imaging';
import { ctPhantom8BitElements, ctPhantomElements, syntheticPerfusionFiles } from '@nidus/testing';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 5);
const FRAMES = option('--frames', 8);
const U = TransferSyntaxUIDs;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Case {
  name: string;
  uid: string;
  encode?: [string, string[]];
  reference?: [string, string[]];
  eightBit?: boolean;
  htj2k?: boolean;
}

const cases: Case[] = [
  { name: 'Explicit VR Little Endian', uid: U.ExplicitVRLittleEndian, reference: ['dcmconv', ['+te']] },
  { name: 'Explicit VR Big Endian', uid: U.ExplicitVRBigEndian, encode: ['dcmconv', ['+tb']], reference: ['dcmconv', ['+te']] },
  { name: 'RLE Lossless', uid: U.RLELossless, encode: ['dcmcrle', []], reference: ['dcmdrle', ['+te']] },
  { name: 'JPEG Baseline 8-bit', uid: U.JPEGBaseline8Bit, encode: ['dcmcjpeg', ['+eb']], reference: ['dcmdjpeg', ['+te']], eightBit: true },
  { name: 'JPEG Extended 12-bit (own DCT codec)', uid: U.JPEGExtended12Bit, encode: ['dcmcjpeg', ['+ee']], reference: ['dcmdjpeg', ['+te']] },
  { name: 'JPEG Lossless SV1', uid: U.JPEGLosslessSV1, encode: ['dcmcjpeg', ['+e1']], reference: ['dcmdjpeg', ['+te']] },
  { name: 'JPEG-LS Lossless', uid: U.JPEGLSLossless, encode: ['dcmcjpls', []], reference: ['dcmdjpls', ['+te']] },
  { name: 'JPEG-LS Near-Lossless', uid: U.JPEGLSNearLossless, encode: ['dcmcjpls', ['+en']], reference: ['dcmdjpls', ['+te']] },
  { name: 'JPEG 2000 Lossless', uid: U.JPEG2000Lossless, encode: ['gdcmconv', ['--j2k']], reference: ['gdcmconv', ['--raw']] },
  { name: 'JPEG 2000 (lossy, ratio 10)', uid: U.JPEG2000, encode: ['gdcmconv', ['--j2k', '--lossy', '-r', '10']], reference: ['gdcmconv', ['--raw']] },
  { name: 'HTJ2K Lossless', uid: U.HTJ2KLossless, htj2k: true },
];

async function htj2kFile(path: string): Promise<void> {
  const { HTJ2KEncoder } = await require('@cornerstonejs/codec-openjph/wasmjs')({ print: () => undefined, printErr: () => undefined });
  const source = ctPhantomElements(512, 512, FRAMES);
  const pixels = source.PixelData as Uint16Array;
  const frames: Uint8Array[] = [];
  for (let f = 0; f < FRAMES; f++) {
    const encoder = new HTJ2KEncoder();
    const input = pixels.subarray(f * 512 * 512, (f + 1) * 512 * 512);
    encoder
      .getDecodedBuffer({ width: 512, height: 512, bitsPerSample: 12, componentCount: 1, isSigned: false, isUsingColorTransform: false })
      .set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    encoder.encode();
    frames.push(Uint8Array.from(encoder.getEncodedBuffer()));
    encoder.delete();
  }
  writeFileSync(path, writePart10({ ...source, PixelData: new EncapsulatedFrames(frames) }, { transferSyntaxUID: U.HTJ2KLossless }));
}

async function decodeBench(dir: string): Promise<string[]> {
  const rows: string[] = [];
  for (const c of cases) {
    const raw = join(dir, `${c.uid}.raw.dcm`);
    const path = join(dir, `${c.uid}.dcm`);
    writeFileSync(raw, writePart10(c.eightBit ? ctPhantom8BitElements(512, 512, FRAMES) : ctPhantomElements(512, 512, FRAMES)));
    if (c.htj2k) await htj2kFile(path);
    else if (c.encode) execFileSync(c.encode[0], [...c.encode[1], raw, path]);
    else writeFileSync(path, readFileSync(raw));
    const bytes = readFileSync(path);
    const ds = readPart10(bytes);
    if (ds.transferSyntaxUID !== c.uid) throw new Error(`${c.name}: encoder wrote ${ds.transferSyntaxUID}`);
    await prepareDecoders([ds]);
    const m = pixelModuleOf(ds);
    const decodedMB = (m.Rows * m.Columns * (m.BitsAllocated / 8) * m.NumberOfFrames) / 1e6;
    const ours: number[] = [];
    for (let r = 0; r < RUNS + 1; r++) {
      const fresh = readPart10(bytes); // parse included, as a worker would do per file
      const t0 = process.hrtime.bigint();
      for (let f = 0; f < m.NumberOfFrames; f++) decodeFrameSync(fresh, f);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (r > 0) ours.push(seconds); // first run warms the JIT and the codec
    }
    const theirs: number[] = [];
    if (c.reference) {
      for (let r = 0; r < RUNS; r++) {
        const out = join(dir, 'ref.dcm');
        const t0 = process.hrtime.bigint();
        const result = spawnSync(c.reference[0], [...c.reference[1], path, out], { env: { ...process.env, TCP_NODELAY: '1' } });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (result.status !== 0) throw new Error(`${c.reference[0]} failed: ${result.stderr}`);
        theirs.push(seconds);
      }
    }
    const oursMBs = decodedMB / median(ours);
    const theirMBs = theirs.length ? decodedMB / median(theirs) : NaN;
    rows.push(
      `| ${c.name} | ${c.uid} | ${(bytes.length / 1e6).toFixed(2)} | ${decodedMB.toFixed(2)} | ${oursMBs.toFixed(1)} | ${c.reference ? `${theirMBs.toFixed(1)} (${c.reference[0]})` : 'n/a (no HTJ2K reader installed)'} |`,
    );
    console.error(`decoded ${c.name}`);
  }
  return rows;
}

/** Child mode: load the perfusion series from a directory, print time and peak RSS as JSON. */
async function loadChild(dir: string): Promise<void> {
  const { readdirSync } = await import('node:fs');
  const paths = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => join(dir, f));
  const t0 = process.hrtime.bigint();
  const volume = await load4DFromFiles(paths);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    JSON.stringify({
      seconds,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      volumeMB: volume.data.byteLength / 1e6,
      images: paths.length,
      shape: [volume.timePoints, volume.slices, volume.rows, volume.columns],
    }),
  );
}

async function main(): Promise<void> {
  if (args[0] === '--load-child') return loadChild(args[1]);
  const dir = mkdtempSync(join(tmpdir(), 'nidus-bench-imaging-'));
  try {
    const decodeRows = await decodeBench(dir);
    const series = join(dir, 'perfusion');
    mkdirSync(series);
    const files = syntheticPerfusionFiles({
      rows: 512,
      columns: 512,
      slices: 16,
      timePoints: 40,
      timesSeconds: Array.from({ length: 40 }, (_, t) => (t < 20 ? t * 1.5 : 30 + (t - 20) * 3)),
    });
    files.forEach((f, i) => writeFileSync(join(series, `${String(i).padStart(4, '0')}.dcm`), f.bytes));
    console.error('wrote perfusion series');
    const loads: { seconds: number; maxRssMB: number; volumeMB: number; images: number; shape: number[] }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const child = spawnSync(process.execPath, [__filename, '--load-child', series], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`load child failed: ${child.stderr}`);
      loads.push(JSON.parse(child.stdout));
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`Machine: ${cpus().length} cores, ${cpu}, Node ${process.version}. ${RUNS} runs, medians. ${FRAMES} frames of 512x512 per decode file.\n`);
    console.log('| transfer syntax | UID | file MB | decoded MB | Nidus MB/s | reference MB/s (tool, incl. process start + write) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const row of decodeRows) console.log(row);
    console.log('\n| 4D load (load4DFromFiles) | images | shape t x z x y x x | volume MB | time s (median) | peak RSS MB (median) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(
      `| synthetic CT perfusion, Explicit VR LE, 16-bit | ${loads[0].images} | ${loads[0].shape.join(' x ')} | ${loads[0].volumeMB.toFixed(0)} | ${median(loads.map((l) => l.seconds)).toFixed(2)} | ${median(loads.map((l) => l.maxRssMB)).toFixed(0)} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
