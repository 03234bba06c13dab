import { closeSync, openSync, readSync } from 'node:fs';
import type { DicomDataset } from '@nidus/dicom';
import { PixelDataTooShortError, PixelDataTruncatedError } from './ingest.errors';

const DEFLATED = '1.2.840.10008.1.2.1.99';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const ITEM = 0xfffee000;
const SEQUENCE_DELIMITER = 0xfffee0dd;

function whole(ds: DicomDataset, keyword: string): number | undefined {
  try {
    const n = ds.number(keyword);
    return n !== undefined && Number.isFinite(n) ? Math.trunc(n) : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes native (uncompressed) Pixel Data needs: Rows x Columns x NumberOfFrames x SamplesPerPixel x BitsAllocated / 8 (PS3.3 C.7.6.3, PS3.5 8.1.1). */
export function nativePixelDataBytes(ds: DicomDataset): number | undefined {
  const rows = whole(ds, 'Rows');
  const columns = whole(ds, 'Columns');
  const bitsAllocated = whole(ds, 'BitsAllocated');
  if (!rows || !columns || !bitsAllocated) return undefined;
  const frames = Math.max(1, whole(ds, 'NumberOfFrames') ?? 1);
  let samples = Math.max(1, whole(ds, 'SamplesPerPixel') ?? 1);
  // YBR_FULL_422 (native): two samples' worth per pixel (PS3.3 C.7.6.3.1.2)
  const photometric = ds.string('PhotometricInterpretation')?.trim();
  if (samples === 3 && (photometric === 'YBR_FULL_422' || photometric === 'YBR_PARTIAL_422')) samples = 2;
  return Math.ceil((rows * columns * frames * samples * bitsAllocated) / 8);
}

/**
 * Refuses an instance whose Pixel Data did not all arrive, or holds less than its image needs, before it is
 * stored: `dataset` is its header parsed up to Pixel Data (offsets into the file at `path`, `fileBytes` long; a function
 * is asked for the path only when the file is read, for encapsulated data).
 * Native Pixel Data: its declared length must be there and cover Rows x Columns x frames x samples x bits. Encapsulated
 * (PS3.5 A.4): its items must run to the sequence delimiter within the file.
 */
export function checkPixelDataComplete(dataset: DicomDataset, fileBytes: number, path: string | (() => string)): void {
  const e = dataset.element('PixelData');
  if (!e || dataset.transferSyntaxUID === DEFLATED) return;
  const undefinedLength = (e as { hadUndefinedLength?: boolean }).hadUndefinedLength || e.length === 0xffffffff;
  if (!undefinedLength) {
    const arrived = fileBytes - e.dataOffset;
    if (arrived < e.length) throw new PixelDataTruncatedError(`Pixel Data declares ${e.length} bytes but ${Math.max(0, arrived)} arrived`);
    const needed = nativePixelDataBytes(dataset);
    if (needed !== undefined && e.length < needed)
      throw new PixelDataTooShortError(`Pixel Data holds ${e.length} bytes; Rows x Columns x frames x samples x BitsAllocated/8 needs ${needed}`);
    return;
  }
  if (dataset.transferSyntaxUID === BIG_ENDIAN) return;
  walkFragments(typeof path === 'string' ? path : path(), e.dataOffset, fileBytes);
}

/** Follows the items of encapsulated Pixel Data by their headers alone; throws when one runs past the end of the file. */
function walkFragments(path: string, start: number, fileBytes: number): void {
  const fd = openSync(path, 'r');
  const header = Buffer.alloc(8);
  try {
    for (let offset = start; ;) {
      if (offset + 8 > fileBytes) throw new PixelDataTruncatedError(`encapsulated Pixel Data ends without its sequence delimiter (at byte ${offset})`);
      readSync(fd, header, 0, 8, offset);
      const tag = ((header.readUInt16LE(0) << 16) | header.readUInt16LE(2)) >>> 0;
      const length = header.readUInt32LE(4);
      if (tag === SEQUENCE_DELIMITER) return;
      if (tag !== ITEM) throw new PixelDataTruncatedError(`encapsulated Pixel Data holds tag ${tag.toString(16)} where an item belongs (at byte ${offset})`);
      if (offset + 8 + length > fileBytes) throw new PixelDataTruncatedError(`a Pixel Data fragment declares ${length} bytes but the file ends first`);
      offset += 8 + length;
    }
  } finally {
    closeSync(fd);
  }
}
