import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { TruncatedDicomError } from '@nidus/dicom';
import { DimseClient, ProposedContext } from './dimse-client';
import { Part10Layout, readPart10Layout } from './file-meta';

/** A Part 10 file by path, or its bytes. */
export type StoreInput = string | Buffer;

export interface StoreInstancesOptions {
  maxPduLength?: number;
  connectTimeoutMs?: number;
  dimseTimeoutMs?: number;
  priority?: number;
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

/**
 * The presentation contexts to propose (PS3.8 9.3.2.2): each SOP class in each transfer syntax its
 * files are in, one syntax per context so we know which were accepted.
 */
export function proposeContexts(layouts: readonly Pick<Part10Layout, 'SOPClassUID' | 'transferSyntaxUID'>[]): ProposedContext[] {
  const seen = new Set<string>();
  const contexts: ProposedContext[] = [];
  for (const { SOPClassUID, transferSyntaxUID } of layouts) {
    const key = `${SOPClassUID}|${transferSyntaxUID}`;
    if (seen.has(key)) continue;
    seen.add(key);
    contexts.push({ abstractSyntax: SOPClassUID, transferSyntaxes: [transferSyntaxUID] });
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
  // batches whose distinct (SOP class, transfer syntax) pairs fit in 128 presentation contexts
  const batches: Prepared[][] = [];
  let batch: Prepared[] = [];
  let keys = new Set<string>();
  for (const p of prepared) {
    const key = `${p.layout.SOPClassUID}|${p.layout.transferSyntaxUID}`;
    if (!keys.has(key) && keys.size === 128) {
      batches.push(batch);
      batch = [];
      keys = new Set();
    }
    keys.add(key);
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
          const dataSet = Buffer.isBuffer(input)
            ? input.subarray(layout.dataSetOffset)
            : createReadStream(input, { start: layout.dataSetOffset, highWaterMark: 256 * 1024 });
          const response = await client.store({
            SOPClassUID: layout.SOPClassUID,
            SOPInstanceUID: layout.SOPInstanceUID,
            transferSyntaxUID: layout.transferSyntaxUID,
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
