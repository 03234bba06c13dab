import { Writable } from 'node:stream';
import { DimseStatus, encodePart10Header, StoreContext, StoreHandler, StoreSink, StoreStatus } from '@nidus/dicom-net';
import { storeStatusFor, storeStatusOf } from './ingest-status';
import { IngestService } from './ingest.service';

/** A sink that reads and drops a data set, then answers the failure decided before it arrived. */
function refusingSink(status: StoreStatus): StoreSink {
  return {
    stream: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    complete: async () => status,
    discard: async () => undefined,
  };
}

/**
 * The C-STORE side of ingest: each data set streams into a temp file behind our File Meta
 * (the bytes as received, unchanged), then IngestService stores and indexes it. begin() is synchronous,
 * so the bytes flow on without waiting for a thread-pool round trip.
 */
export class DimseStoreHandler implements StoreHandler {
  constructor(private readonly ingest: IngestService) {}

  begin(context: StoreContext): StoreSink {
    let temp;
    try {
      temp = this.ingest.store.createTemp({
        header: encodePart10Header({
          SOPClassUID: context.SOPClassUID,
          SOPInstanceUID: context.SOPInstanceUID,
          transferSyntaxUID: context.transferSyntaxUID,
          sourceApplicationEntityTitle: context.callingAETitle,
        }),
      });
    } catch (error) {
      return refusingSink(storeStatusOf(error));
    }
    return {
      stream: temp,
      complete: async () => {
        if (temp.errored) {
          // the write failed (e.g. the disk filled): answer why, keep nothing
          await temp.discard();
          return storeStatusOf(temp.errored);
        }
        const outcome = await this.ingest.ingest(temp, {
          protocol: 'dimse',
          callingAETitle: context.callingAETitle,
          expectedSOPInstanceUID: context.SOPInstanceUID,
          expectedSOPClassUID: context.SOPClassUID,
        });
        return outcome.ok ? { status: DimseStatus.Success } : storeStatusFor(outcome.failure);
      },
      discard: () => temp.discard(),
    };
  }
}
