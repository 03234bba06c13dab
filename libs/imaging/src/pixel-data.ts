import type { DicomDataset } from '@nidus/dicom';
import { CorruptPixelDataError, MissingPixelDataError } from './imaging.errors';
import { nativeFrameLength, type PixelModule } from './pixel-module';

/** Where one native frame lies in the dataset's bytes (PS3.5 8.1.1). 1-bit frames may start mid-byte. */
export interface NativeFrameLocation {
  bytes: Uint8Array;
  /** for BitsAllocated 1: the bit offset of the frame's first pixel in `bytes` */
  bitOffset: number;
  /** the PixelData element's VR (OB or OW), which decides byte swapping of 8-bit data in big endian */
  vr: string;
}

function pixelElement(ds: DicomDataset) {
  const element = ds.element('PixelData');
  if (!element) throw new MissingPixelDataError('the dataset has no Pixel Data (7FE0,0010)');
  return element;
}

/**
 * Encapsulated Pixel Data (PS3.5 A.4) has undefined length. dicom-parser marks it only when it reads explicit VR; in
 * an implicit VR data set (written so against its meta) it keeps just the undefined length.
 */
function isEncapsulated(element: { encapsulatedPixelData?: boolean; hadUndefinedLength?: boolean }): boolean {
  return !!element.encapsulatedPixelData || !!element.hadUndefinedLength;
}

function checkFrameIndex(m: PixelModule, frameIndex: number): void {
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= m.NumberOfFrames) {
    throw new MissingPixelDataError(`frame ${frameIndex} is outside 0..${m.NumberOfFrames - 1} (NumberOfFrames)`);
  }
}

/** The bytes of a native frame; throws CorruptPixelDataError when Pixel Data is too short for it. */
export function nativeFrame(ds: DicomDataset, m: PixelModule, frameIndex: number): NativeFrameLocation {
  checkFrameIndex(m, frameIndex);
  const element = pixelElement(ds);
  if (isEncapsulated(element)) throw new CorruptPixelDataError('Pixel Data is encapsulated but the transfer syntax is native');
  const available = Math.min(element.length, ds.byteArray.length - element.dataOffset);
  const all = ds.byteArray.subarray(element.dataOffset, element.dataOffset + Math.max(0, available));
  const vr = element.vr ?? 'OW';
  if (m.BitsAllocated === 1) {
    const bitsPerFrame = m.Rows * m.Columns * m.SamplesPerPixel;
    const firstBit = frameIndex * bitsPerFrame;
    const endByte = Math.ceil((firstBit + bitsPerFrame) / 8);
    if (endByte > all.length) throw new CorruptPixelDataError(`Pixel Data holds ${all.length} bytes; frame ${frameIndex} needs ${endByte}`);
    const startByte = Math.floor(firstBit / 8);
    return { bytes: all.subarray(startByte, endByte), bitOffset: firstBit - startByte * 8, vr };
  }
  const length = nativeFrameLength(m);
  const start = frameIndex * length;
  if (start + length > all.length) {
    throw new CorruptPixelDataError(`Pixel Data holds ${all.length} bytes; frame ${frameIndex} needs bytes ${start}..${start + length}`);
  }
  return { bytes: all.subarray(start, start + length), bitOffset: 0, vr };
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Does this fragment begin a JPEG / JPEG-LS (SOI) or JPEG 2000 (SOC, or a JP2 box) bitstream? */
function startsBitstream(f: Uint8Array): boolean {
  if (f.length < 2) return false;
  if (f[0] === 0xff && (f[1] === 0xd8 || f[1] === 0x4f)) return true;
  return f.length >= 8 && f[4] === 0x6a && f[5] === 0x50 && f[6] === 0x20 && f[7] === 0x20; // 'jP  ' signature box
}

interface Fragment {
  /** offset of the item tag from the first fragment's item tag, as the Basic Offset Table counts (PS3.5 A.4) */
  offset: number;
  /** absolute position of the fragment's bytes in the dataset's byte array */
  position: number;
  length: number;
}

interface EncapsulatedItems {
  basicOffsetTable: number[];
  fragments: Fragment[];
}

const itemCache = new WeakMap<DicomDataset, EncapsulatedItems>();

/**
 * Walks the items of encapsulated Pixel Data by their declared lengths (PS3.5 A.4), so that bytes inside a
 * fragment that look like a Sequence Delimiter do not end it early.
 */
function encapsulatedItems(ds: DicomDataset): EncapsulatedItems {
  const cached = itemCache.get(ds);
  if (cached) return cached;
  const element = pixelElement(ds);
  if (!isEncapsulated(element)) throw new CorruptPixelDataError('Pixel Data is native but the transfer syntax is encapsulated');
  const bytes = ds.byteArray;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = element.dataOffset;
  const items: { position: number; length: number; tagPosition: number }[] = [];
  while (p + 8 <= bytes.length) {
    const group = view.getUint16(p, true);
    const elementNumber = view.getUint16(p + 2, true);
    const length = view.getUint32(p + 4, true);
    if (group !== 0xfffe) throw new CorruptPixelDataError(`encapsulated Pixel Data has a non-item tag at byte ${p}`);
    if (elementNumber === 0xe0dd) break; // Sequence Delimitation Item
    if (elementNumber !== 0xe000) throw new CorruptPixelDataError(`encapsulated Pixel Data has item (FFFE,${elementNumber.toString(16)}) at byte ${p}`);
    if (p + 8 + length > bytes.length) throw new CorruptPixelDataError(`fragment at byte ${p} of ${length} bytes runs past the end of the data`);
    items.push({ tagPosition: p, position: p + 8, length });
    p += 8 + length;
  }
  if (items.length === 0) throw new CorruptPixelDataError('encapsulated Pixel Data has no Basic Offset Table item');
  const [table, ...rest] = items;
  const basicOffsetTable: number[] = [];
  for (let i = 0; i + 4 <= table.length; i += 4) basicOffsetTable.push(view.getUint32(table.position + i, true));
  const first = rest[0]?.tagPosition ?? 0;
  const result = { basicOffsetTable, fragments: rest.map((f) => ({ offset: f.tagPosition - first, position: f.position, length: f.length })) };
  itemCache.set(ds, result);
  return result;
}

/**
 * The compressed bytes of one frame of encapsulated Pixel Data (PS3.5 A.4): by the Basic Offset Table when
 * present, else one fragment per frame, else by the start markers of the bitstreams. Single-frame images
 * take all fragments.
 */
export function encapsulatedFrame(ds: DicomDataset, m: PixelModule, frameIndex: number): Uint8Array {
  checkFrameIndex(m, frameIndex);
  const { basicOffsetTable: table, fragments } = encapsulatedItems(ds);
  if (fragments.length === 0) throw new CorruptPixelDataError('encapsulated Pixel Data has no fragments');
  const bytes = ds.byteArray;
  const fragmentBytes = (i: number): Uint8Array => bytes.subarray(fragments[i].position, fragments[i].position + fragments[i].length);
  const all = (from: number, to: number): Uint8Array => concat(Array.from({ length: to - from }, (_, k) => fragmentBytes(from + k)));
  if (m.NumberOfFrames === 1) return all(0, fragments.length);
  if (table.length === m.NumberOfFrames) {
    const start = fragments.findIndex((f) => f.offset === table[frameIndex]);
    if (start < 0) throw new CorruptPixelDataError(`Basic Offset Table entry ${table[frameIndex]} of frame ${frameIndex} matches no fragment`);
    const next = frameIndex + 1 < table.length ? fragments.findIndex((f) => f.offset === table[frameIndex + 1]) : fragments.length;
    if (next < start) throw new CorruptPixelDataError(`Basic Offset Table is not ascending at frame ${frameIndex}`);
    return all(start, next);
  }
  if (fragments.length === m.NumberOfFrames) return fragmentBytes(frameIndex);
  const starts: number[] = [];
  for (let i = 0; i < fragments.length; i++) if (startsBitstream(fragmentBytes(i))) starts.push(i);
  if (starts.length !== m.NumberOfFrames || starts[0] !== 0) {
    throw new CorruptPixelDataError(`cannot tell the ${m.NumberOfFrames} frames apart in ${fragments.length} fragments without a Basic Offset Table`);
  }
  return all(starts[frameIndex], frameIndex + 1 < starts.length ? starts[frameIndex + 1] : fragments.length);
}
