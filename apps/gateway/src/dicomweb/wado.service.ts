import type { Response } from 'express';
import { readPart10 } from '@nidus/dicom';
import { DicomJson, toDicomJson } from '@nidus/dicom-net';
import { decodeFrame, pixelModuleOf } from '@nidus/imaging';
import type { InstanceEntity } from '@nidus/persistence';
import { InstanceFileStore } from '@nidus/persistence';
import { admits, dicomRetrieveForm, parseAccept } from './accept';
import { MultipartResponse } from './multipart-response';

/** A retrieve that cannot be answered: its HTTP status and why. */
export class WadoError extends Error {
  override name = 'WadoError';
  constructor(
    readonly httpStatus: 400 | 404 | 406,
    message: string,
  ) {
    super(message);
  }
}

const HEAD_BYTES = 64 * 1024;
/** binary values above this size are referenced by BulkDataURI rather than inlined (PS3.18 F.2.6) */
const BULK_DATA_MIN_BYTES = 1024;

/**
 * Retrieve (PS3.18 10.4): instances as stored (no transcoding), metadata in the DICOM JSON Model with
 * Pixel Data behind a frames URL, and frames decoded to native pixels (application/octet-stream).
 */
export class WadoService {
  constructor(private readonly store: InstanceFileStore) {}

  instanceUrl(baseUrl: string, i: InstanceEntity): string {
    return `${baseUrl}/studies/${i.StudyInstanceUID}/series/${i.SeriesInstanceUID}/instances/${i.SOPInstanceUID}`;
  }

  /** The instances as Part 10 files, in a multipart/related body (or one bare application/dicom). */
  async retrieve(instances: InstanceEntity[], accept: string | undefined, res: Response): Promise<void> {
    if (!instances.length) throw new WadoError(404, 'no such study, series or instance');
    const form = dicomRetrieveForm(accept);
    if (!form) throw new WadoError(406, `cannot answer Accept '${accept}': instances are application/dicom (multipart/related)`);
    if (form.transferSyntax) {
      const other = instances.find((i) => i.TransferSyntaxUID !== form.transferSyntax);
      // stored as received: no transcoding (PS3.18 8.7.3.5.2 lets the origin server refuse)
      if (other) throw new WadoError(406, `instance ${other.SOPInstanceUID} is stored in ${other.TransferSyntaxUID}, not ${form.transferSyntax}`);
    }
    if (form.form === 'single') {
      if (instances.length !== 1) throw new WadoError(406, 'application/dicom holds one instance: ask for multipart/related; type="application/dicom"');
      const i = instances[0];
      res.status(200).setHeader('Content-Type', `application/dicom; transfer-syntax=${i.TransferSyntaxUID}`);
      res.setHeader('Content-Length', String(await this.store.size(i.path)));
      await new Promise<void>((resolve, reject) => this.store.openRead(i.path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject));
      return;
    }
    const multipart = new MultipartResponse(res, 'application/dicom');
    for (const i of instances) {
      await multipart.part(`application/dicom; transfer-syntax=${i.TransferSyntaxUID}`, this.store.openRead(i.path), {
        'Content-Length': await this.store.size(i.path),
      });
    }
    await multipart.end();
  }

  /** Metadata (PS3.18 10.4.1.1.2): every attribute but the bulk data, which is referenced. */
  async metadata(instances: InstanceEntity[], accept: string | undefined, baseUrl: string): Promise<DicomJson[]> {
    if (!instances.length) throw new WadoError(404, 'no such study, series or instance');
    if (!parseAccept(accept).some((r) => admits(r, 'application/dicom+json') || r.type === 'application/json')) {
      throw new WadoError(406, `cannot answer Accept '${accept}': metadata is application/dicom+json`);
    }
    const out: DicomJson[] = [];
    for (const i of instances) {
      let head = await this.store.readHead(i.path, HEAD_BYTES);
      let ds;
      try {
        ds = readPart10(head, { untilTag: 'x7fe00010' });
        if (!ds.element('PixelData') && head.length === HEAD_BYTES) throw new Error('header longer than the head');
      } catch {
        head = await this.store.read(i.path);
        ds = readPart10(head, { untilTag: 'x7fe00010' });
      }
      const frames = ds.element('PixelData') ? numberOfFrames(ds.number('NumberOfFrames')) : 0;
      const url = this.instanceUrl(baseUrl, i);
      const packedBits = ds.number('BitsAllocated') === 1 && !ds.element('PixelData')?.fragments;
      out.push(
        // Pixel Data by its frames; other binary values inline
        toDicomJson(ds, {
          bulkDataUri: (tag, length) => {
            // 1-bit pixels (SEG) as stored, packed (PS3.5 8.1.1), as a Part 10 reader would see them
            if (tag === '7FE00010' && packedBits) return `${url}/bulkdata/${tag}`;
            if (tag === '7FE00010') return frames ? `${url}/frames/${Array.from({ length: frames }, (_, k) => k + 1).join(',')}` : undefined;
            // other large binary values of the top level by their bulk data resource (BulkDataService)
            return !tag.includes('/') && length > BULK_DATA_MIN_BYTES && length !== 0xffffffff ? `${url}/bulkdata/${tag}` : undefined;
          },
        }),
      );
    }
    return out;
  }

  /** Frames (PS3.18 10.4.1.1.3), decoded to their native pixels, little endian, one part per frame. */
  async frames(instance: InstanceEntity | undefined, frameList: string, accept: string | undefined, res: Response): Promise<void> {
    if (!instance) throw new WadoError(404, 'no such instance');
    const ranges = parseAccept(accept);
    const octet = ranges.some(
      (r) =>
        (r.type === 'multipart/related' && (r.parameters.type ?? 'application/octet-stream').toLowerCase() === 'application/octet-stream') ||
        r.type === '*/*' ||
        r.type === 'multipart/*' ||
        r.type === 'application/octet-stream',
    );
    if (!octet) throw new WadoError(406, `cannot answer Accept '${accept}': frames are served as application/octet-stream`);
    if (!/^\d+(,\d+)*$/.test(frameList)) throw new WadoError(400, `'${frameList.slice(0, 40)}' is not a list of frame numbers`);
    // each frame once, in the order first asked for, and at most MAX_FRAMES_PER_REQUEST of them: one GET cannot
    // make the gateway decode the same frame thousands of times
    const numbers = [...new Set(frameList.split(',').map(Number))];
    if (numbers.length > MAX_FRAMES_PER_REQUEST) throw new WadoError(400, `${numbers.length} frames asked for; at most ${MAX_FRAMES_PER_REQUEST} per request`);
    const ds = readPart10(await this.store.read(instance.path));
    if (!ds.element('PixelData')) throw new WadoError(404, 'the instance has no Pixel Data');
    const count = pixelModuleOf(ds).NumberOfFrames;
    const bad = numbers.find((n) => n < 1 || n > count);
    if (bad !== undefined) throw new WadoError(404, `frame ${bad} does not exist (the instance has ${count})`);
    // decoded and sent one at a time: memory holds one frame, not the whole list
    const first = await decodeFrame(ds, numbers[0] - 1);
    const multipart = new MultipartResponse(res, 'application/octet-stream');
    for (let i = 0; i < numbers.length; i++) {
      const pixels = (i === 0 ? first : await decodeFrame(ds, numbers[i] - 1)).pixels;
      const bytes = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
      await multipart.part('application/octet-stream', bytes, { 'Content-Length': bytes.length });
    }
    await multipart.end();
  }
}

/** Distinct frames one WADO-RS frames request may ask for. */
export const MAX_FRAMES_PER_REQUEST = 2048;

function numberOfFrames(value: number | undefined): number {
  return value && value > 0 ? Math.floor(value) : 1;
}
