import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { readPart10, type DicomDataset } from '@nidus/dicom';
import { prepareDecoders } from './decode';
import { fill4D, plan4D, type Build4DOptions } from './build4d';
import type { Volume4D } from './volume4d';

const HEADER_BYTES = 64 * 1024;

/** The header of a Part 10 file (everything before Pixel Data), reading only its first bytes when they suffice. */
export function readHeader(path: string): DicomDataset {
  const fd = openSync(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(HEADER_BYTES);
    head = head.subarray(0, readSync(fd, head, 0, HEADER_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  try {
    const ds = readPart10(head, { untilTag: 'x7fe00010' });
    if (ds.element('PixelData') || head.length < HEADER_BYTES) return ds;
  } catch {
    // a header longer than the first bytes, or a deflated file: read it whole
  }
  return readPart10(readFileSync(path), { untilTag: 'x7fe00010' });
}

/**
 * Loads a 4D series from files with one file's bytes in memory at a time besides the volume: headers first
 * (to plan the layout), then each file read, decoded into its slot and dropped.
 */
export async function load4DFromFiles(paths: readonly string[], options: Build4DOptions = {}): Promise<Volume4D> {
  const headers = paths.map(readHeader);
  await prepareDecoders(headers);
  const plan = plan4D(headers, options);
  return fill4D(plan, (i) => readPart10(readFileSync(paths[i])), options);
}
