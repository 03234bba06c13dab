import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { TransferSyntaxUIDs, TruncatedDicomError } from '@nidus/dicom';
import { NoAcceptedPresentationContextError } from './dicom-net.errors';
import type { DataSource } from './pdata.writer';
import { isUncompressedSyntax, transcodeUncompressed } from './uncompressed-transcoder';
import { DimseClient, ProposedContext } from './dimse-client';
import type { DimseTlsClientOptions } from './dimse-tls';
import { Part10Layout, readPart10Layout } from './file-meta';

/** A Part 10 file by path, or its bytes. */
export type StoreInput = string | Buffer;

export interface StoreInstancesOptions {
  maxPduLength?: number;
  connectTimeoutMs?: number;
  dimseTimeoutMs?: number;
  priority?: number;
  /** DICOM TLS to the peer; absent: plain TCP */
  tls?: DimseTlsClientOptions;
}

export interface StoreInstanceOutcome {
  /** index in the inputs */
  index: number;
  SOPInstanceUID?: string;
  transferSyntaxUID?: string;
  /** the C-STORE-RSP status, when one came */
  status?: number;
  errorComment?: string;
  /** why no response came (file unreadable, not accepted, association lost) */
  error?: Error;
}

interface Prepared {
  index: number;
  input: StoreInput;
  layout: Part10Layout;
}

async function layoutOf(input: StoreInput): Promise<Part10Layout> {
  if (Buffer.isBuffer(input)) return readPart10Layout(input);
  const handle = await open(input, 'r');
  try {
    const size = (await handle.stat()).size;
    for (let want = 64 * 1024; ; want *= 4) {
      const length = Math.min(want, size);
      const head = Buffer.alloc(length);
      await handle.read(head, 0, length, 0);
      try {
        return readPart10Layout(head);
      } catch (error) {
        if (!(error instanceof TruncatedDicomError) || length === size) throw error;
      }
    }
  } finally {
    await handle.close();
  }
}

const FALLBACK = [TransferSyntaxUIDs.ExplicitVRLittleEndian, TransferSyntaxUIDs.ImplicitVRLittleEndian];

/** The presentation context keys a file needs: its own syntax, and the fallback when it is uncompressed. */
function contextKeys(layout: Pick<Part10Layout, 'SOPClassUID' | 'transferSyntaxUID'>): string[] {
  const own = `${layout.SOPClassUID}|${layout.transferSyntaxUID}`;
  return isUncompressedSyntax(layout.transferSyntaxUID) ? [own, `${layout.SOPClassUID}|*`] : [own];
}

/**
 * The presentation contexts to propose (PS3.8 9.3.2.2): each SOP class in each transfer syntax its
 * files are in, one syntax per context so we know which were accepted; for uncompressed files also one
 * context offering Explicit and Implicit VR Little Endian, which we can transcode to.
 */
export function proposeContexts(layouts: readonly Pick<Part10Layout, 'SOPClassUID' | 'transferSyntaxUID'>[]): ProposedContext[] {
  const seen = new Set<string>();
  const contexts: ProposedContext[] = [];
  for (const layout of layouts) {
    for (const key of contextKeys(layout)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const [abstractSyntax, syntax] = key.split('|');
      contexts.push({ abstractSyntax, transferSyntaxes: syntax === '*' ? [...FALLBACK] : [syntax] });
    }
  }
  return contexts;
}

/**
 * Sends Part 10 files (or their bytes) by C-STORE, each in its own transfer syntax, on as few
 * associations as the 128-context limit allows. One outcome per input, in order; it never throws
 * for one bad instance.
 */
export async function storeInstances(
  host: string,
  port: number,
  calledAETitle: string,
  callingAETitle: string,
  inputs: readonly StoreInput[],
  options: StoreInstancesOptions = {},
): Promise<StoreInstanceOutcome[]> {
  const outcomes: StoreInstanceOutcome[] = inputs.map((_, index) => ({ index }));
  const prepared: Prepared[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const layout = await layoutOf(input);
      outcomes[index].SOPInstanceUID = layout.SOPInstanceUID;
      outcomes[index].transferSyntaxUID = layout.transferSyntaxUID;
      prepared.push({ index, input, layout });
    } catch (error) {
      outcomes[index].error = error as Error;
    }
  }
  // batches whose presentation contexts fit in 128 (PS3.8 9.3.2.2: odd IDs 1-255)
  const batches: Prepared[][] = [];
  let batch: Prepared[] = [];
  let keys = new Set<string>();
  for (const p of prepared) {
    const needed = contextKeys(p.layout).filter((k) => !keys.has(k));
    if (keys.size + needed.length > 128) {
      batches.push(batch);
      batch = [];
      keys = new Set();
    }
    for (const k of contextKeys(p.layout)) keys.add(k);
    batch.push(p);
  }
  if (batch.length) batches.push(batch);

  for (const items of batches) {
    let client: DimseClient;
    try {
      client = await DimseClient.associate({
        host,
        port,
        calledAETitle,
        callingAETitle,
        presentationContexts: proposeContexts(items.map((i) => i.layout)),
        maxPduLength: options.maxPduLength,
        connectTimeoutMs: options.connectTimeoutMs,
        dimseTimeoutMs: options.dimseTimeoutMs,
        tls: options.tls,
      });
    } catch (error) {
      for (const item of items) outcomes[item.index].error = error as Error;
      continue;
    }
    try {
      for (const item of items) {
        const outcome = outcomes[item.index];
        if (!client.isOpen) {
          outcome.error = new Error('association closed before this instance was sent');
          continue;
        }
        try {
          const { layout, input } = item;
          let transferSyntaxUID = layout.transferSyntaxUID;
          let dataSet: DataSource;
          if (client.findContext(layout.SOPClassUID, layout.transferSyntaxUID)) {
            // as it is: the bytes of the file, streamed
            dataSet = Buffer.isBuffer(input)
              ? input.subarray(layout.dataSetOffset)
              : createReadStream(input, { start: layout.dataSetOffset, highWaterMark: 256 * 1024 });
          } else {
            // the peer took only the fallback: re-encode an uncompressed data set (in memory)
            const fallback = isUncompressedSyntax(layout.transferSyntaxUID)
              ? FALLBACK.map((ts) => client.findContext(layout.SOPClassUID, ts)).find(Boolean)
              : undefined;
            if (!fallback) throw new NoAcceptedPresentationContextError(layout.SOPClassUID, layout.transferSyntaxUID);
            const bytes = Buffer.isBuffer(input) ? input : await readFile(input);
            transferSyntaxUID = fallback.transferSyntax;
            dataSet = transcodeUncompressed(bytes.subarray(layout.dataSetOffset), layout.transferSyntaxUID, transferSyntaxUID);
          }
          outcome.transferSyntaxUID = transferSyntaxUID;
          const response = await client.store({
            SOPClassUID: layout.SOPClassUID,
            SOPInstanceUID: layout.SOPInstanceUID,
            transferSyntaxUID,
            dataSet,
            priority: options.priority,
          });
          outcome.status = response.status;
          outcome.errorComment = response.errorComment;
        } catch (error) {
          outcome.error = error as Error;
        }
      }
    } finally {
      if (client.isOpen) await client.release().catch(() => client.abort());
    }
  }
  return outcomes;
}
