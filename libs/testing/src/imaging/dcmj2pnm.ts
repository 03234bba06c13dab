import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pnm {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** Parses binary PGM (P5) or PPM (P6) with maxval 255. */
export function parsePnm(bytes: Buffer): Pnm {
  const tokens: string[] = [];
  let i = 0;
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[i]))) i++;
    if (bytes[i] === 0x23) {
      while (bytes[i] !== 0x0a) i++;
      continue;
    } // comment
    let t = '';
    while (!/\s/.test(String.fromCharCode(bytes[i]))) t += String.fromCharCode(bytes[i++]);
    tokens.push(t);
  }
  i++; // the single whitespace after maxval
  const [magic, w, h, max] = tokens;
  if ((magic !== 'P5' && magic !== 'P6') || max !== '255') throw new Error(`unsupported PNM ${magic} maxval ${max}`);
  const channels = magic === 'P5' ? 1 : 3;
  const width = Number(w),
    height = Number(h);
  return { width, height, channels, pixels: Uint8Array.from(bytes.subarray(i, i + width * height * channels)) };
}

/** Renders a DICOM file with dcmtk's dcmj2pnm (8-bit PGM/PPM) and returns the pixels. */
export function renderWithDcmtk(dicom: Buffer, ...options: string[]): Pnm {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-dcmj2pnm-'));
  try {
    writeFileSync(join(dir, 'in.dcm'), dicom);
    execFileSync('dcmj2pnm', [...options, join(dir, 'in.dcm'), join(dir, 'out.pnm')]);
    return parsePnm(readFileSync(join(dir, 'out.pnm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
