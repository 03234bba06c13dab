import { readPart10, type DicomDataset } from '@nidus/dicom';
import {
  applyModalityLut,
  decodeFrame,
  modalityLutOf,
  pixelModuleOf,
  renderFrame,
  renderRgbFrame,
  renderThumbnail,
  toRgb,
  voisOf,
  type ImageFormat,
  type Voi,
  type Window,
} from '@nidus/imaging';
import type { InstanceEntity, InstanceFileStore } from '@nidus/persistence';
import { parseAccept } from './accept';
import { WadoError } from './wado.service';

/** What a rendered request asks (PS3.18 8.3.5.1): the media type, a window, a JPEG quality, a viewport. */
export interface RenderParameters {
  accept: string | undefined;
  window?: string;
  quality?: string;
  viewport?: string;
}

const SINGLE_BIT_WINDOW: Window = { center: 0.5, width: 1, function: 'LINEAR_EXACT' };

/** image/jpeg (the default) or image/png, from the Accept header (PS3.18 8.7.4: rendered media types). */
export function renderedFormat(accept: string | undefined): ImageFormat {
  const ranges = parseAccept(accept);
  if (!ranges.length) return 'jpeg';
  for (const r of ranges) {
    const type = r.type.toLowerCase();
    if (type === 'image/png') return 'png';
    if (type === 'image/jpeg' || type === 'image/*' || type === '*/*') return 'jpeg';
  }
  throw new WadoError(406, `cannot answer Accept '${accept}': rendered images are image/jpeg or image/png`);
}

/** `window=center,width[,function]` (PS3.18 8.3.5.1.3). */
export function parseWindowParameter(value: string | undefined): Window | undefined {
  if (value === undefined || value === '') return undefined;
  const [c, w, fn] = value.split(',');
  const center = Number(c);
  const width = Number(w);
  const fnName = (fn ?? 'linear').trim().toUpperCase();
  if (!Number.isFinite(center) || !Number.isFinite(width) || width <= 0 || !['LINEAR', 'LINEAR_EXACT', 'SIGMOID'].includes(fnName)) {
    throw new WadoError(400, `window '${value.slice(0, 64)}' is not center,width[,linear|linear-exact|sigmoid]`);
  }
  return { center, width: fnName === 'LINEAR' ? Math.max(width, 1) : width, function: fnName as Window['function'] };
}

function minMaxWindow(values: Float32Array): Window {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { center: 0, width: 1 };
  return { center: (lo + hi) / 2, width: Math.max(hi - lo, 1), function: 'LINEAR_EXACT' };
}

/**
 * The rendered resources of WADO-RS (PS3.18 10.4.1.1.4 and .5): a frame as a consumer-format image through its
 * Modality LUT and the window asked for, else the image's own (PS3.3 C.11.2), else its full range; colour as
 * it is; and thumbnails of it.
 */
export class RenderedService {
  constructor(private readonly store: InstanceFileStore) {}

  async render(instance: InstanceEntity | undefined, frame: number, p: RenderParameters): Promise<{ body: Buffer; mediaType: string }> {
    if (!instance) throw new WadoError(404, 'no such instance');
    const format = renderedFormat(p.accept);
    const asked = parseWindowParameter(p.window);
    const quality = p.quality === undefined ? undefined : Number(p.quality);
    if (quality !== undefined && !(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new WadoError(400, 'quality must be 1-100');
    const ds = readPart10(await this.store.read(instance.path));
    if (!ds.element('PixelData')) throw new WadoError(404, `instance ${instance.SOPInstanceUID} has no Pixel Data to render`);
    const count = pixelModuleOf(ds).NumberOfFrames;
    if (!Number.isInteger(frame) || frame < 1 || frame > count) throw new WadoError(404, `frame ${frame} does not exist (the instance has ${count})`);
    let body = await this.encode(ds, frame - 1, asked, { format, quality });
    const viewport = p.viewport?.split(',').map(Number);
    if (viewport && viewport.length >= 2 && viewport[0] > 0 && viewport[1] > 0) {
      body = await renderThumbnail(body, Math.min(Math.max(viewport[0], viewport[1]), 4096), { format, quality });
    }
    return { body, mediaType: format === 'png' ? 'image/png' : 'image/jpeg' };
  }

  /** A small picture of the instance (its middle frame), at most 128 pixels on its longer side. */
  async thumbnail(instance: InstanceEntity | undefined, p: RenderParameters): Promise<{ body: Buffer; mediaType: string }> {
    if (!instance) throw new WadoError(404, 'nothing to show a thumbnail of');
    const ds = readPart10(await this.store.read(instance.path));
    if (!ds.element('PixelData')) throw new WadoError(404, `instance ${instance.SOPInstanceUID} has no Pixel Data`);
    const format = renderedFormat(p.accept);
    const frames = pixelModuleOf(ds).NumberOfFrames;
    const full = await this.encode(ds, Math.floor((frames - 1) / 2), parseWindowParameter(p.window), { format: 'png' });
    return { body: await renderThumbnail(full, 128, { format }), mediaType: format === 'png' ? 'image/png' : 'image/jpeg' };
  }

  private async encode(ds: DicomDataset, frameIndex: number, asked: Window | undefined, options: { format: ImageFormat; quality?: number }): Promise<Buffer> {
    const decoded = await decodeFrame(ds, frameIndex);
    const size = { rows: decoded.rows, columns: decoded.columns };
    if (decoded.samplesPerPixel === 3 || decoded.photometricInterpretation === 'PALETTE COLOR') return renderRgbFrame(toRgb(decoded, ds), size, options);
    const values = applyModalityLut(decoded.pixels, modalityLutOf(ds));
    const single = (ds.number('BitsAllocated') ?? 16) === 1;
    const voi: Voi = asked ?? (single ? SINGLE_BIT_WINDOW : (voisOf(ds)[0] ?? minMaxWindow(values)));
    return renderFrame(values, size, voi, { ...options, photometricInterpretation: decoded.photometricInterpretation });
  }
}
