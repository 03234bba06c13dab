import { EventEmitter } from 'node:events';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { DimseLogger, silentLogger } from './dimse-logger';
import { AddressList, DimseTlsServerOptions, tlsServerOptions } from './dimse-tls';
import { AdmissionLimits, admissionRefusal } from './association-admission';
import type { AssociateRj } from './pdu.types';
import { AssociationInfo, normalizeAddress, ScpAssociation, ScpPolicy } from './scp-association';
import type { StoreHandler, StoreStatus } from './store-handler';

export interface DimseServerOptions {
  /** our AE title; a different Called AE Title is rejected (PS3.8 9.3.4 reason 7) */
  aeTitle: string;
  storeHandler: StoreHandler;
  /** transfer syntaxes accepted for storage, as the sender proposes them (no transcoding) */
  transferSyntaxes: readonly string[];
  /** private SOP classes to accept for storage as well */
  extraStorageSopClasses?: readonly string[];
  /** empty or absent: any calling AE title */
  allowedCallingAETitles?: readonly string[];
  /** empty or absent: any remote address */
  allowedHosts?: readonly string[];
  /**
   * calling AE title -> the IP addresses or CIDR blocks it may call from; an association with a bound
   * title from elsewhere is rejected as calling AE title not recognized (PS3.8 9.3.4 reason 3)
   */
  callingAETitleAddresses?: Readonly<Record<string, readonly string[]>>;
  /** DICOM TLS (PS3.15 B.9): the port speaks only TLS; absent: plain TCP */
  tls?: DimseTlsServerOptions;
  /** associations at once, the reserve included; more are rejected as transient, local limit exceeded (PS3.8 9.3.4) */
  maxAssociations?: number;
  /** associations at once per calling AE title; 0 or absent: no limit of its own */
  maxAssociationsPerCallingAETitle?: number;
  /** associations at once per remote address (reserved AEs are exempt); 0 or absent: no limit of its own */
  maxAssociationsPerAddress?: number;
  /** of maxAssociations, slots only reservedCallingAETitles may take; default 0 */
  reservedAssociations?: number;
  /** the known AEs the reserve is for */
  reservedCallingAETitles?: readonly string[];
  /**
   * connections that have not yet sent their A-ASSOCIATE-RQ; one more closes the oldest of them, so silent
   * connections cannot keep a sender out (default 64)
   */
  maxPendingConnections?: number;
  /** our maximum PDU length (PS3.8 D.1) */
  maxPduLength?: number;
  /** ARTIM (PS3.8 9.1.5): A-ASSOCIATE-RQ within this after connecting (and the TLS handshake), release and reject waits; default 10 s */
  artimTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** from a PDU's first byte to its last; default 30 s */
  pduTimeoutMs?: number;
  logger?: DimseLogger;
}

export interface DimseServerStats {
  associationsAccepted: number;
  associationsRejected: number;
  associationsAborted: number;
  instancesStored: number;
  instancesFailed: number;
  bytesReceived: number;
  tlsHandshakesFailed: number;
}

export interface DimseServerEvents {
  established: [AssociationInfo];
  /** a connection that failed the TLS handshake (not TLS at all, no or an untrusted client certificate) */
  tlsError: [{ remoteAddress: string; error: Error }];
  rejected: [AssociationInfo, AssociateRj];
  stored: [AssociationInfo, StoreStatus, number];
  closed: [AssociationInfo, string];
}

/**
 * A DICOM Storage and Verification SCP (PS3.4 Annexes A and B) on one TCP port, plain or TLS. Data sets
 * stream to the StoreHandler as they arrive.
 */
export class DimseServer extends EventEmitter<DimseServerEvents> {
  private readonly server: Server;
  private readonly policy: ScpPolicy;
  private readonly limits: AdmissionLimits;
  private readonly maxPending: number;
  private readonly associations = new Set<ScpAssociation>();
  private readonly stats: DimseServerStats = {
    associationsAccepted: 0,
    associationsRejected: 0,
    associationsAborted: 0,
    instancesStored: 0,
    instancesFailed: 0,
    bytesReceived: 0,
    tlsHandshakesFailed: 0,
  };

  constructor(options: DimseServerOptions) {
    super();
    this.limits = {
      maxAssociations: options.maxAssociations ?? 32,
      maxPerCallingAETitle: options.maxAssociationsPerCallingAETitle ?? 0,
      maxPerAddress: options.maxAssociationsPerAddress ?? 0,
      reserved: options.reservedAssociations ?? 0,
      reservedCallingAETitles: new Set(options.reservedCallingAETitles ?? []),
    };
    this.maxPending = options.maxPendingConnections ?? 64;
    this.policy = {
      aeTitle: options.aeTitle,
      storeHandler: options.storeHandler,
      transferSyntaxes: options.transferSyntaxes,
      extraStorageSopClasses: options.extraStorageSopClasses ?? [],
      allowedCallingAETitles: options.allowedCallingAETitles ?? [],
      allowedHosts: options.allowedHosts ?? [],
      callingAETitleAddresses: new Map(Object.entries(options.callingAETitleAddresses ?? {}).map(([ae, addresses]) => [ae, new AddressList(addresses)])),
      maxPduLength: options.maxPduLength ?? 1024 * 1024,
      artimTimeoutMs: options.artimTimeoutMs ?? 10_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      pduTimeoutMs: options.pduTimeoutMs ?? 30_000,
      logger: options.logger ?? silentLogger,
    };
    const onConnection = (socket: Socket) => this.onConnection(socket);
    if (options.tls) {
      // the handshake must finish within ARTIM, like the A-ASSOCIATE-RQ after it
      this.server = createTlsServer({ ...tlsServerOptions(options.tls, this.policy.artimTimeoutMs), noDelay: true }, onConnection);
      this.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
      this.server.on('tlsClientError', (error, socket) => {
        this.stats.tlsHandshakesFailed++;
        const remoteAddress = normalizeAddress(socket.remoteAddress);
        this.policy.logger.warn({ remoteAddress, error: error.message }, 'DICOM TLS handshake failed');
        this.emit('tlsError', { remoteAddress, error });
      });
    } else {
      this.server = createServer({ noDelay: true }, onConnection);
    }
    // a bound on sockets in all: associations, pending connections (the oldest give way), and some closing
    this.server.maxConnections = this.limits.maxAssociations + this.maxPending + 32;
  }

  /** Starts listening; port 0 picks a free port. Resolves with the port. */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Associations established and not yet closed. */
  get activeAssociations(): number {
    return [...this.associations].filter((a) => a.established).length;
  }

  /** Open TCP connections, associated or not. */
  connectionCount(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
  }

  getStats(): DimseServerStats {
    return { ...this.stats };
  }

  /** Stops listening, aborts open associations and waits until their partial data sets are discarded. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.associations].map((a) => a.abort()));
    await closed;
  }

  private admit(peer: { callingAETitle: string; remoteAddress: string }): AssociateRj | undefined {
    const established = [...this.associations].filter((a) => a.established);
    const refusal = admissionRefusal(this.limits, established, peer);
    if (refusal) this.policy.logger.warn({ ...peer, limit: refusal.limit, established: established.length }, 'association over a limit');
    return refusal?.rj;
  }

  /** Makes room for a new connection by closing the oldest that has not asked to associate. */
  private makeRoomForPending(): void {
    const pending = [...this.associations].filter((a) => a.awaitingRequest);
    for (const oldest of pending.slice(0, Math.max(0, pending.length - this.maxPending + 1))) {
      oldest.dropUnassociated(`closed for a newer connection: more than ${this.maxPending} connections without A-ASSOCIATE-RQ`);
    }
  }

  private onConnection(socket: Socket): void {
    this.makeRoomForPending();
    const association = new ScpAssociation(socket, this.policy, (peer) => this.admit(peer), {
      established: (a) => {
        this.stats.associationsAccepted++;
        this.emit('established', a.info);
      },
      rejected: (info, rj) => {
        this.stats.associationsRejected++;
        this.emit('rejected', info, rj);
      },
      stored: (a, status, bytes) => {
        this.stats.bytesReceived += bytes;
        if (status.status === 0 || (status.status & 0xf000) === 0xb000) this.stats.instancesStored++;
        else this.stats.instancesFailed++;
        this.emit('stored', a.info, status, bytes);
      },
      closed: (a, reason) => {
        if (reason === 'aborted' || reason === 'timeout' || reason === 'dropped') this.stats.associationsAborted++;
        this.emit('closed', a.info, reason);
      },
    });
    this.associations.add(association);
    void association.done.then(() => this.associations.delete(association));
  }
}
