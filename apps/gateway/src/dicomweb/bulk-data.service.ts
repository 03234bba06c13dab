import type { Response } from 'express';
import { readPart10 } from '@nidus/dicom';
import type { InstanceEntity, InstanceFileStore } from '@nidus/persistence';
import { parseAccept } from './accept';
import { MultipartResponse } from './multipart-response';
import { WadoError } from './wado.service';

/**
 * Bulk data (PS3.18 10.4.1.1.6, 8.7.3.3.2): the value of one top-level binary attribute as stored, little endian,
 * in a multipart/related body of application/octet-stream (or bare, when asked for octet-stream alone). What
 * WADO-RS metadata names by BulkDataURI.
 */
export class BulkDataService {
  constructor(private readonly store: InstanceFileStore) {}

  async send(instance: InstanceEntity | undefined, tag: string, accept: string | undefined, res: Response): Promise<void> {
    if (!instance) throw new WadoError(404, 'no such instance');
    if (!/^[0-9A-Fa-f]{8}$/.test(tag)) throw new WadoError(400, `'${tag.slice(0, 32)}' is not a tag (8 hex digits)`);
    const ranges = parseAccept(accept);
    const bare = ranges.every((r) => r.type === 'application/octet-stream');
    if (!bare && !ranges.some((r) => r.type === 'multipart/related' || r.type === '*/*' || r.type === 'multipart/*' || r.type === 'application/octet-stream')) {
      throw new WadoError(406, `cannot answer Accept '${accept}': bulk data is application/octet-stream`);
    }
    const ds = readPart10(await this.store.read(instance.path));
    const element = ds.raw.elements[`x${tag.toLowerCase()}`];
    if (!element || element.length === undefined) throw new WadoError(404, `instance ${instance.SOPInstanceUID} has no attribute ${tag.toUpperCase()}`);
    if (element.fragments) throw new WadoError(406, `${tag.toUpperCase()} is encapsulated: ask for its frames`);
    const bytes = Buffer.from(ds.raw.byteArray.buffer, ds.raw.byteArray.byteOffset + element.dataOffset, element.length);
    if (bare) {
      res.status(200).set({ 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) });
      res.end(bytes);
      return;
    }
    const multipart = new MultipartResponse(res, 'application/octet-stream');
    await multipart.part('application/octet-stream', bytes, { 'Content-Length': bytes.length });
    await multipart.end();
  }
}
