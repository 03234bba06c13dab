import type { Writable } from 'node:stream';

/** What the SCP knows about one incoming C-STORE before its data set arrives (PS3.7 9.1.1, 9.3.1.1). */
export interface StoreContext {
  callingAETitle: string;
  calledAETitle: string;
  remoteAddress: string;
  /** AffectedSOPClassUID of the C-STORE-RQ */
  SOPClassUID: string;
  /** AffectedSOPInstanceUID of the C-STORE-RQ */
  SOPInstanceUID: string;
  /** the transfer syntax of the presentation context: the data set's bytes are in it */
  transferSyntaxUID: string;
  messageId: number;
  priority: number;
  moveOriginator?: { aeTitle: string; messageId?: number };
}

/** The C-STORE-RSP status a handler decides (PS3.4 B.2.3). */
export interface StoreStatus {
  status: number;
  errorComment?: string;
  offendingElements?: number[];
}

/**
 * Where one data set goes as it arrives. The SCP writes every PDV fragment to `stream` in order,
 * respecting backpressure, ends it after the last one, then calls `complete`. If the association
 * breaks first it calls `discard` instead, and nothing of the transfer may remain.
 */
export interface StoreSink {
  readonly stream: Writable;
  /** after the stream has finished: make the instance durable and answer with a status */
  complete(): Promise<StoreStatus>;
  /** the transfer broke off (A-ABORT, dropped connection, timeout): remove what was written */
  discard(reason: Error): Promise<void>;
}

/**
 * Receives C-STORE data sets. Failures it can foresee (no disk space, refused SOP class) it reports as
 * a sink whose `complete` answers the failure status; a thrown error becomes 0x0110 Processing failure.
 */
export interface StoreHandler {
  begin(context: StoreContext): StoreSink | Promise<StoreSink>;
}
