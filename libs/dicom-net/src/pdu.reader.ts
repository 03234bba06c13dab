import { PduProtocolError } from './dicom-net.errors';
import { PDU_HEADER_LENGTH } from './pdu.codec';
import { AbortReason, PduType } from './pdu.types';

/** A whole PDU other than P-DATA-TF: its type and the bytes after the 6-byte header. */
export interface ControlPduEvent {
  kind: 'pdu';
  type: number;
  body: Buffer;
}

/**
 * A piece of one PDV of a P-DATA-TF PDU (PS3.8 9.3.5). A PDV may come in several pieces, as the bytes
 * arrive; `pdvEnd` marks its last piece, and `last` (from the message control header) says the PDV is
 * the last fragment of its command or data set.
 */
export interface PdvEvent {
  kind: 'pdv';
  presentationContextId: number;
  command: boolean;
  last: boolean;
  data: Buffer;
  pdvEnd: boolean;
}

export type PduEvent = ControlPduEvent | PdvEvent;

export interface PduReaderOptions {
  /** our maximum length of a P-DATA-TF variable field (PS3.8 D.1); 0: no limit */
  maxPDataLength: number;
  /** bound for other PDUs (an A-ASSOCIATE-RQ is a few kB) */
  maxControlPduLength?: number;
}

const KNOWN_TYPES = new Set<number>(Object.values(PduType));

/**
 * Splits the byte stream of an association into PDUs, pull style: `push` bytes as they arrive, then
 * call `next` until it returns undefined. Data PDVs come out as views on the received chunks, never
 * copied or gathered, so a data set of any size passes through in bounded memory; the caller may stop
 * pulling at any event (to wait for a disk) and resume later.
 */
export class PduReader {
  private chunks: Buffer[] = [];
  private offset = 0; // into chunks[0]
  private available = 0;
  private state: 'pdu-header' | 'control-body' | 'pdv-header' | 'pdv-data' = 'pdu-header';
  private controlType = 0;
  private controlLength = 0;
  private pduRemaining = 0;
  private pdvRemaining = 0;
  private pdv = { presentationContextId: 0, command: false, last: false };
  private readonly maxControl: number;
  private completed = 0;

  constructor(private readonly options: PduReaderOptions) {
    this.maxControl = options.maxControlPduLength ?? 1024 * 1024;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /** bytes received and not yet handed out */
  get buffered(): number {
    return this.available;
  }

  /** PDUs read to their last byte so far */
  get pdusCompleted(): number {
    return this.completed;
  }

  /** true between PDUs: no PDU is partly read */
  get atPduBoundary(): boolean {
    return this.state === 'pdu-header' && this.available === 0;
  }

  next(): PduEvent | undefined {
    for (;;) {
      switch (this.state) {
        case 'pdu-header': {
          if (this.available < PDU_HEADER_LENGTH) return undefined;
          const header = this.take(PDU_HEADER_LENGTH);
          const type = header[0];
          const length = header.readUInt32BE(2);
          if (!KNOWN_TYPES.has(type)) throw new PduProtocolError(`unrecognized PDU type 0x${type.toString(16)}`, AbortReason.UnrecognizedPdu);
          if (type === PduType.PDataTf) {
            const max = this.options.maxPDataLength;
            if (max > 0 && length > max)
              throw new PduProtocolError(`P-DATA-TF of ${length} bytes exceeds our maximum PDU length ${max}`, AbortReason.InvalidPduParameterValue);
            this.pduRemaining = length;
            this.state = 'pdv-header';
          } else {
            if (length > this.maxControl) throw new PduProtocolError(`PDU type ${type} of ${length} bytes is too long`, AbortReason.InvalidPduParameterValue);
            this.controlType = type;
            this.controlLength = length;
            this.state = 'control-body';
          }
          continue;
        }
        case 'control-body': {
          if (this.available < this.controlLength) return undefined;
          const body = this.take(this.controlLength);
          this.state = 'pdu-header';
          this.completed++;
          return { kind: 'pdu', type: this.controlType, body };
        }
        case 'pdv-header': {
          if (this.pduRemaining === 0) {
            this.state = 'pdu-header';
            this.completed++;
            continue;
          }
          if (this.pduRemaining < 6)
            throw new PduProtocolError(`P-DATA-TF has ${this.pduRemaining} stray bytes after its last PDV`, AbortReason.InvalidPduParameterValue);
          if (this.available < 6) return undefined;
          const header = this.take(6);
          const itemLength = header.readUInt32BE(0);
          if (itemLength < 2 || itemLength > this.pduRemaining - 4) {
            throw new PduProtocolError(
              `PDV item length ${itemLength} does not fit its P-DATA-TF (${this.pduRemaining - 4} bytes left)`,
              AbortReason.InvalidPduParameterValue,
            );
          }
          const control = header[5];
          this.pdv = { presentationContextId: header[4], command: (control & 0x01) !== 0, last: (control & 0x02) !== 0 };
          this.pduRemaining -= 4 + itemLength;
          this.pdvRemaining = itemLength - 2;
          this.state = 'pdv-data';
          if (this.pdvRemaining === 0) {
            this.state = 'pdv-header';
            return { kind: 'pdv', ...this.pdv, data: Buffer.alloc(0), pdvEnd: true };
          }
          continue;
        }
        case 'pdv-data': {
          if (this.available === 0) return undefined;
          const data = this.takeView(this.pdvRemaining);
          this.pdvRemaining -= data.length;
          const pdvEnd = this.pdvRemaining === 0;
          if (pdvEnd) this.state = 'pdv-header';
          return { kind: 'pdv', ...this.pdv, data, pdvEnd };
        }
      }
    }
  }

  /** exactly n bytes, copied when they span chunks */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length - this.offset >= n) return this.takeView(n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const view = this.takeView(n - filled);
      view.copy(out, filled);
      filled += view.length;
    }
    return out;
  }

  /** up to n bytes from the first chunk, without copying */
  private takeView(n: number): Buffer {
    const first = this.chunks[0];
    const count = Math.min(n, first.length - this.offset);
    const view = first.subarray(this.offset, this.offset + count);
    this.offset += count;
    this.available -= count;
    if (this.offset === first.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    return view;
  }
}
