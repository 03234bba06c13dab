import { readPart10, type DicomDataset } from '@nidus/dicom';
import { DicomJson, toDicomJson } from '@nidus/dicom-net';
import type { InstanceEntity, InstanceFileStore } from '@nidus/persistence';

const HEAD_BYTES = 64 * 1024;

/**
 * The header of a stored instance (everything before Pixel Data), read from the first 64 KiB of its file, or
 * the whole file when the header is longer. For QIDO-RS includefield and the rendered resources.
 */
export class InstanceHeaderReader {
  constructor(private readonly store: InstanceFileStore) {}

  async dataset(instance: Pick<InstanceEntity, 'path'>): Promise<DicomDataset> {
    const head = await this.store.readHead(instance.path, HEAD_BYTES);
    try {
      const ds = readPart10(head, { untilTag: 'x7fe00010' });
      if (ds.element('PixelData') || head.length < HEAD_BYTES) return ds;
    } catch {
      // cut inside an element: read it all
    }
    return readPart10(await this.store.read(instance.path), { untilTag: 'x7fe00010' });
  }

  /** The header in the DICOM JSON Model, binary values of more than 1 KiB left out (no BulkDataURI in QIDO). */
  async json(instance: Pick<InstanceEntity, 'path'>): Promise<DicomJson> {
    return toDicomJson(await this.dataset(instance), { bulkDataUri: (_tag, length) => (length > 1024 ? 'omitted' : undefined) });
  }
}
