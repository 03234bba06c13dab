import type { Socket } from 'node:net';
import { AssociationAbortedError } from './dicom-net.errors';
import { encodePDataHeader, PDV_HEADER_LENGTH } from './pdu.codec';

/** When the peer sets no limit (0), we still cut PDUs at this size. */
const UNLIMITED_FRAGMENT = 1024 * 1024;

export type DataSource = Buffer | AsyncIterable<Buffer | Uint8Array>;

/**
 * Writes DIMSE messages as P-DATA-TF PDUs of one PDV each, cut to the peer's maximum PDU length
 * (PS3.8 9.3.5, D.1). Headers and data go out in one corked write, so with TCP_NODELAY each PDU
 * leaves at once without the data being copied.
 */
export class PDataWriter {
  readonly maxFragment: number;

  constructor(
    private readonly socket: Socket,
    peerMaxPduLength: number,
  ) {
    const limit = peerMaxPduLength === 0 ? UNLIMITED_FRAGMENT + PDV_HEADER_LENGTH : peerMaxPduLength;
    // PS3.8 D.1: the limit counts the PDV item headers of the P-DATA-TF variable field
    // and fragments stay even: dcmtk refuses odd ones
    this.maxFragment = Math.max(2, (limit - PDV_HEADER_LENGTH) & ~1);
  }

  /** Writes one PDV; resolves when the socket can take more. */
  async writePdv(presentationContextId: number, command: boolean, last: boolean, data: Buffer): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) throw new AssociationAbortedError('connection closed while sending');
    this.socket.cork();
    this.socket.write(encodePDataHeader(presentationContextId, command, last, data.length));
    const more = data.length ? this.socket.write(data) : true;
    this.socket.uncork();
    if (!more) await waitDrain(this.socket);
  }

  async sendCommand(presentationContextId: number, command: Buffer): Promise<void> {
    await this.sendFragments(presentationContextId, true, command);
  }

  async sendDataSet(presentationContextId: number, data: DataSource): Promise<void> {
    await this.sendFragments(presentationContextId, false, data);
  }

  private async sendFragments(pcid: number, command: boolean, source: DataSource): Promise<void> {
    const max = this.maxFragment;
    // PS3.5 7.1 / A.5: a data set has even length; an odd one (a deflated stream) gets one trailing 00H
    const pad = (last: Buffer, total: number): Buffer => (!command && total % 2 === 1 ? Buffer.concat([last, Buffer.alloc(1)]) : last);
    if (Buffer.isBuffer(source)) {
      if (source.length === 0) return this.writePdv(pcid, command, true, source);
      // fragments are even (max is), so an odd total leaves an odd last fragment, at most max - 1 before its pad
      let offset = 0;
      for (; source.length - offset > max; offset += max) await this.writePdv(pcid, command, false, source.subarray(offset, offset + max));
      return this.writePdv(pcid, command, true, pad(source.subarray(offset), source.length));
    }
    // A stream: hold back what would be the last fragment until the source ends.
    const pending: Buffer[] = [];
    let pendingLength = 0;
    let total = 0;
    const takeFragment = (size: number): Buffer => {
      let need = size;
      const parts: Buffer[] = [];
      while (need > 0) {
        const head = pending[0];
        if (head.length <= need) {
          parts.push(head);
          pending.shift();
          need -= head.length;
        } else {
          parts.push(head.subarray(0, need));
          pending[0] = head.subarray(need);
          need = 0;
        }
      }
      pendingLength -= size;
      return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    };
    for await (const chunk of source) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (b.length === 0) continue;
      pending.push(b);
      pendingLength += b.length;
      total += b.length;
      while (pendingLength > max) await this.writePdv(pcid, command, false, takeFragment(max));
    }
    await this.writePdv(pcid, command, true, pad(takeFragment(pendingLength), total));
  }
}

function waitDrain(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new AssociationAbortedError('connection closed while sending'));
    const onError = (e: Error) => done(new AssociationAbortedError(`connection failed while sending: ${e.message}`));
    socket.on('drain', onDrain);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}
