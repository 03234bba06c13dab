import { connect, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { NIDUS_IMPLEMENTATION_CLASS_UID, NIDUS_IMPLEMENTATION_VERSION_NAME } from '@nidus/dicom';
import {
  AssociationAbortedError,
  AssociationRejectedError,
  DimseTimeoutError,
  NoAcceptedPresentationContextError,
  PduProtocolError,
  TlsHandshakeError,
} from './dicom-net.errors';
import { DimseTlsClientOptions, tlsClientOptions } from './dimse-tls';
import { CommandField, decodeCommand, DimseCommand, encodeCommand, NO_DATA_SET, Priority, VERIFICATION_SOP_CLASS } from './dimse-command';
import { DataSource, PDataWriter } from './pdata.writer';
import { decodeAbort, decodeAssociateAc, decodeAssociateRj, encodeAbort, encodeAssociateRq, encodeReleaseRq } from './pdu.codec';
import { PduEvent, PduReader } from './pdu.reader';
import { AbortReason, AbortSource, DICOM_APPLICATION_CONTEXT, PduType, PresentationContextResult } from './pdu.types';
import type { NegotiatedContext } from './presentation-context';

export interface ProposedContext {
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export interface DimseClientOptions {
  host: string;
  port: number;
  calledAETitle: string;
  callingAETitle: string;
  presentationContexts: ProposedContext[];
  /** our maximum PDU length (PS3.8 D.1) */
  maxPduLength?: number;
  connectTimeoutMs?: number;
  /** how long to wait for A-ASSOCIATE-AC/RJ and A-RELEASE-RP (ARTIM) */
  associationTimeoutMs?: number;
  /** how long to wait for each DIMSE response */
  dimseTimeoutMs?: number;
  /** DICOM TLS to the peer (PS3.15 B.9); absent: plain TCP */
  tls?: DimseTlsClientOptions;
}

/** A DIMSE response, as the SCP sent it. */
export interface DimseResponse {
  status: number;
  errorComment?: string;
  command: DimseCommand;
}

export interface StoreRequest {
  SOPClassUID: string;
  SOPInstanceUID: string;
  /** the transfer syntax the data set bytes are in; a context accepting it must exist */
  transferSyntaxUID: string;
  /** the data set alone (no preamble or File Meta), as bytes or a stream of bytes */
  dataSet: DataSource;
  priority?: number;
  moveOriginator?: { aeTitle: string; messageId: number };
}

/**
 * A DIMSE SCU association (PS3.8 9.2, requestor side): associate, then C-ECHO / C-STORE one at a time,
 * then release. Used by delivery and by tests.
 */
export class DimseClient {
  private readonly reader: PduReader;
  private readonly writer: PDataWriter;
  private nextMessageId = 1;
  private pending?: { resolve: (event: PduEvent | Error) => void };
  private queue: (PduEvent | Error)[] = [];
  private closed = false;
  private commandPieces: Buffer[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly accepted: NegotiatedContext[],
    readonly peerMaxPduLength: number,
    reader: PduReader,
    private readonly options: DimseClientOptions,
  ) {
    this.reader = reader;
    this.writer = new PDataWriter(socket, peerMaxPduLength);
  }

  /** Opens the connection and negotiates (PS3.8 9.3.2). Rejects with AssociationRejectedError on A-ASSOCIATE-RJ. */
  static async associate(options: DimseClientOptions): Promise<DimseClient> {
    const maxPduLength = options.maxPduLength ?? 1024 * 1024;
    if (options.presentationContexts.length === 0 || options.presentationContexts.length > 128) {
      throw new RangeError(`between 1 and 128 presentation contexts can be proposed, not ${options.presentationContexts.length}`);
    }
    const socket = await openSocket(options.host, options.port, options.connectTimeoutMs ?? 10_000, options.tls);
    const reader = new PduReader({ maxPDataLength: maxPduLength });
    const proposed = options.presentationContexts.map((pc, i) => ({ id: 2 * i + 1, ...pc }));
    socket.write(
      encodeAssociateRq({
        protocolVersion: 1,
        calledAETitle: options.calledAETitle,
        callingAETitle: options.callingAETitle,
        applicationContext: DICOM_APPLICATION_CONTEXT,
        presentationContexts: proposed,
        userInformation: { maxPduLength, implementationClassUID: NIDUS_IMPLEMENTATION_CLASS_UID, implementationVersionName: NIDUS_IMPLEMENTATION_VERSION_NAME },
      }),
    );
    let answer: PduEvent;
    try {
      answer = await readFirstPdu(socket, reader, options.associationTimeoutMs ?? 30_000);
    } catch (error) {
      socket.destroy();
      throw error;
    }
    if (answer.kind === 'pdu' && answer.type === PduType.AssociateRj) {
      socket.destroy();
      const rj = decodeAssociateRj(answer.body);
      throw new AssociationRejectedError(rj.result, rj.source, rj.reason);
    }
    if (answer.kind === 'pdu' && answer.type === PduType.Abort) {
      socket.destroy();
      const abort = decodeAbort(answer.body);
      throw new AssociationAbortedError('A-ABORT in answer to A-ASSOCIATE-RQ', abort.source, abort.reason);
    }
    if (answer.kind !== 'pdu' || answer.type !== PduType.AssociateAc) {
      socket.end(encodeAbort({ source: AbortSource.ServiceProvider, reason: AbortReason.UnexpectedPdu }));
      socket.destroy();
      throw new PduProtocolError('expected A-ASSOCIATE-AC', AbortReason.UnexpectedPdu);
    }
    const ac = decodeAssociateAc(answer.body);
    const accepted: NegotiatedContext[] = [];
    for (const answerPc of ac.presentationContexts) {
      const pc = proposed.find((p) => p.id === answerPc.id);
      if (!pc || answerPc.result !== PresentationContextResult.Acceptance) continue;
      accepted.push({ id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: answerPc.transferSyntax });
    }
    const client = new DimseClient(socket, accepted, ac.userInformation.maxPduLength, reader, options);
    client.listen();
    return client;
  }

  /** The accepted context for a SOP class, preferring the given transfer syntax. */
  findContext(abstractSyntax: string, transferSyntaxUID?: string): NegotiatedContext | undefined {
    const candidates = this.accepted.filter((c) => c.abstractSyntax === abstractSyntax);
    return transferSyntaxUID ? candidates.find((c) => c.transferSyntax === transferSyntaxUID) : candidates[0];
  }

  /** C-ECHO (PS3.7 9.1.5). */
  async echo(): Promise<DimseResponse> {
    const context = this.findContext(VERIFICATION_SOP_CLASS);
    if (!context) throw new NoAcceptedPresentationContextError(VERIFICATION_SOP_CLASS);
    const messageId = this.takeMessageId();
    await this.writer.sendCommand(
      context.id,
      encodeCommand({ CommandField: CommandField.CEchoRq, MessageID: messageId, CommandDataSetType: NO_DATA_SET, AffectedSOPClassUID: VERIFICATION_SOP_CLASS }),
    );
    return this.awaitResponse(CommandField.CEchoRsp, messageId);
  }

  /** C-STORE (PS3.7 9.1.1): sends the data set as it is, in the transfer syntax it is in. */
  async store(request: StoreRequest): Promise<DimseResponse> {
    const context = this.findContext(request.SOPClassUID, request.transferSyntaxUID);
    if (!context) throw new NoAcceptedPresentationContextError(request.SOPClassUID, request.transferSyntaxUID);
    const messageId = this.takeMessageId();
    await this.writer.sendCommand(
      context.id,
      encodeCommand({
        CommandField: CommandField.CStoreRq,
        MessageID: messageId,
        Priority: request.priority ?? Priority.Medium,
        CommandDataSetType: 0x0000,
        AffectedSOPClassUID: request.SOPClassUID,
        AffectedSOPInstanceUID: request.SOPInstanceUID,
        MoveOriginatorApplicationEntityTitle: request.moveOriginator?.aeTitle,
        MoveOriginatorMessageID: request.moveOriginator?.messageId,
      }),
    );
    await this.writer.sendDataSet(context.id, request.dataSet);
    return this.awaitResponse(CommandField.CStoreRsp, messageId);
  }

  /** A-RELEASE (PS3.8 7.2): waits for A-RELEASE-RP, then closes. */
  async release(): Promise<void> {
    if (this.closed) return;
    this.socket.write(encodeReleaseRq());
    const deadline = this.options.associationTimeoutMs ?? 30_000;
    try {
      for (;;) {
        const event = await this.nextEvent(deadline);
        if (event.kind === 'pdu' && event.type === PduType.ReleaseRp) break;
        if (event.kind === 'pdu' && event.type === PduType.ReleaseRq) {
          // release collision (PS3.8 9.2.3): as requestor we answer after our RP... simplest: close
          break;
        }
      }
    } finally {
      this.closed = true;
      this.socket.end();
      this.socket.destroy();
    }
  }

  /** A-ABORT (PS3.8 7.3), service-user. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.socket.destroyed) this.socket.end(encodeAbort({ source: AbortSource.ServiceUser, reason: AbortReason.NotSpecified }));
    setTimeout(() => this.socket.destroy(), 200).unref();
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  private takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (this.nextMessageId % 0xffff) + 1;
    return id;
  }

  private listen(): void {
    const drain = () => {
      try {
        for (let event = this.reader.next(); event; event = this.reader.next()) this.deliver(event);
      } catch (error) {
        this.deliver(error as Error);
        this.socket.end(encodeAbort({ source: AbortSource.ServiceProvider, reason: (error as PduProtocolError).abortReason ?? AbortReason.NotSpecified }));
        this.socket.destroy();
      }
    };
    this.socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      drain();
    });
    drain();
    this.socket.on('close', () => {
      this.closed = true;
      this.deliver(new AssociationAbortedError('connection closed'));
    });
    this.socket.on('error', () => undefined);
  }

  private deliver(event: PduEvent | Error): void {
    if (this.pending) {
      const { resolve } = this.pending;
      this.pending = undefined;
      resolve(event);
    } else this.queue.push(event);
  }

  private nextEvent(timeoutMs: number): Promise<PduEvent> {
    const queued = this.queue.shift();
    if (queued) return queued instanceof Error ? Promise.reject(queued) : Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new DimseTimeoutError(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        resolve: (event) => {
          clearTimeout(timer);
          if (event instanceof Error) reject(event);
          else resolve(event);
        },
      };
    });
  }

  private async awaitResponse(expectedField: number, messageId: number): Promise<DimseResponse> {
    const timeout = this.options.dimseTimeoutMs ?? 60_000;
    for (;;) {
      let event: PduEvent;
      try {
        event = await this.nextEvent(timeout);
      } catch (error) {
        if (error instanceof DimseTimeoutError) this.abort();
        throw error;
      }
      if (event.kind === 'pdu') {
        if (event.type === PduType.Abort) {
          const abort = decodeAbort(event.body);
          this.closed = true;
          this.socket.destroy();
          throw new AssociationAbortedError('A-ABORT received while waiting for a response', abort.source, abort.reason);
        }
        this.abort();
        throw new PduProtocolError(`unexpected PDU type ${event.type} while waiting for a response`, AbortReason.UnexpectedPdu);
      }
      if (!event.command) continue; // a data set we did not ask for
      if (event.data.length) this.commandPieces.push(Buffer.from(event.data));
      if (!(event.last && event.pdvEnd)) continue;
      const command = decodeCommand(Buffer.concat(this.commandPieces));
      this.commandPieces = [];
      if (command.CommandField === expectedField && command.MessageIDBeingRespondedTo === messageId) {
        return { status: command.Status ?? 0xffff, errorComment: command.ErrorComment, command };
      }
    }
  }
}

/** The TCP connection, or the TLS connection once its handshake has verified the peer. */
function openSocket(host: string, port: number, timeoutMs: number, tls?: DimseTlsClientOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect(tlsClientOptions(host, port, tls)) : connect({ host, port, noDelay: true });
    let tcpUp = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DimseTimeoutError(`cannot connect to ${host}:${port} within ${timeoutMs} ms${tls && tcpUp ? ' (TLS handshake unfinished)' : ''}`));
    }, timeoutMs);
    socket.once('connect', () => {
      tcpUp = true;
      socket.setNoDelay(true);
    });
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      if (tls && tcpUp) reject(new TlsHandshakeError(`TLS handshake with ${host}:${port} failed: ${error.message}`, error.code));
      else reject(new AssociationAbortedError(`cannot connect to ${host}:${port}: ${error.message}`));
    });
  });
}

function readFirstPdu(socket: Socket, reader: PduReader, timeoutMs: number): Promise<PduEvent> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new DimseTimeoutError(`no A-ASSOCIATE-AC within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      reader.push(chunk);
      try {
        const event = reader.next();
        if (event) {
          cleanup();
          resolve(event);
        }
      } catch (error) {
        cleanup();
        reject(error);
      }
    };
    const onClose = () => {
      cleanup();
      reject(new AssociationAbortedError('connection closed during association'));
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      // TLS 1.3: the server checks our certificate after the handshake has finished on our side; its alert lands here
      if (/^ERR_(SSL|TLS)_/.test(error.code ?? '')) reject(new TlsHandshakeError(`TLS refused by the peer: ${error.message}`, error.code));
      else reject(new AssociationAbortedError(`connection failed during association: ${error.message}`));
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}
