import cornerstone, { type Image } from 'cornerstone-core';
import { request } from './api';
import { firstPart } from './multipart';
import type { StackImage } from './stack-types';

// cornerstone image loader `nidus:`: a frame by WADO-RS (decoded to native pixels by the gateway), described by
// the display stack's header fields, so no metadata request is needed per image.

const described = new Map<string, { study: string; series: string; image: StackImage }>();

export function imageIdOf(study: string, series: string, image: StackImage): string {
  const imageId = `nidus:${study}/${series}/${image.SOPInstanceUID}`;
  described.set(imageId, { study, series, image });
  return imageId;
}

function typedPixels(bytes: Uint8Array, image: StackImage): ArrayLike<number> {
  const copy = bytes.slice().buffer; // aligned
  if (image.BitsAllocated <= 8) return image.PixelRepresentation ? new Int8Array(copy) : new Uint8Array(copy);
  if (image.BitsAllocated <= 16) return image.PixelRepresentation ? new Int16Array(copy) : new Uint16Array(copy);
  return image.PixelRepresentation ? new Int32Array(copy) : new Uint32Array(copy);
}

async function load(imageId: string): Promise<Image> {
  const entry = described.get(imageId);
  if (!entry) throw new Error(`unknown image ${imageId}`);
  const { study, series, image } = entry;
  const res = await request(`/dicomweb/studies/${study}/series/${series}/instances/${image.SOPInstanceUID}/frames/1`, {
    headers: { Accept: 'multipart/related; type="application/octet-stream"' },
  });
  const pixels = typedPixels(firstPart(res.headers.get('content-type') ?? '', new Uint8Array(await res.arrayBuffer())), image);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const slope = image.RescaleSlope;
  const intercept = image.RescaleIntercept;
  const center = image.WindowCenter ?? ((min + max) / 2) * slope + intercept;
  const width = image.WindowWidth ?? Math.max((max - min) * slope, 1);
  return {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope,
    intercept,
    windowCenter: center,
    windowWidth: width,
    getPixelData: () => pixels,
    rows: image.Rows,
    columns: image.Columns,
    height: image.Rows,
    width: image.Columns,
    color: false,
    rowPixelSpacing: image.PixelSpacing?.[0] ?? 1,
    columnPixelSpacing: image.PixelSpacing?.[1] ?? 1,
    invert: image.PhotometricInterpretation === 'MONOCHROME1',
    sizeInBytes: pixels.length * (image.BitsAllocated <= 8 ? 1 : image.BitsAllocated <= 16 ? 2 : 4),
  };
}

export function registerNidusImageLoader(): void {
  cornerstone.registerImageLoader('nidus', (imageId) => ({ promise: load(imageId) }));
}
