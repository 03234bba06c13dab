import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DimseStatus } from './dimse-status';
import { encodePart10Header } from './part10-meta.writer';
import type { StoreContext, StoreHandler, StoreSink } from './store-handler';

/**
 * The simplest StoreHandler: each instance becomes `<dir>/<SOPInstanceUID>.dcm`, a Part 10 file with
 * our File Meta in front of the bytes received, written to a temp name and renamed when complete.
 * A test peer and a reference for the real file store; it does not fsync.
 */
export class DirectoryStoreHandler implements StoreHandler {
  constructor(readonly directory: string) {}

  async begin(context: StoreContext): Promise<StoreSink> {
    await mkdir(this.directory, { recursive: true });
    const safe = context.SOPInstanceUID.replace(/[^0-9.]/g, '_');
    const temp = join(this.directory, `.${safe}.${randomUUID()}.part`);
    const target = join(this.directory, `${safe}.dcm`);
    const stream = createWriteStream(temp, { highWaterMark: 1024 * 1024 });
    stream.write(
      encodePart10Header({
        SOPClassUID: context.SOPClassUID,
        SOPInstanceUID: context.SOPInstanceUID,
        transferSyntaxUID: context.transferSyntaxUID,
        sourceApplicationEntityTitle: context.callingAETitle,
      }),
    );
    return {
      stream,
      complete: async () => {
        await rename(temp, target);
        return { status: DimseStatus.Success };
      },
      discard: async () => {
        stream.destroy();
        await rm(temp, { force: true });
      },
    };
  }
}
