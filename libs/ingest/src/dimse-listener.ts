import { AuditObject, AuditRecorder, dicomPeerActor, Outcome } from '@nidus/auth';
import type { NidusConfig } from '@nidus/config';
import { DimseLogger, DimseServer, DimseServerOptions } from '@nidus/dicom-net';
import { DimseStoreHandler } from './dimse-store.handler';
import { IngestService } from './ingest.service';

/** PS3.8 9.3.4 A-ASSOCIATE-RJ source 1 (service user), reason 3: calling AE title not recognized (the allow-lists). */
const CALLING_AE_NOT_RECOGNIZED = { source: 1, reason: 3 };

/**
 * The DIMSE listener of the gateway: our SCP on DICOM_PORT with the `dicom` section's policy, and with `dicom.tls`
 * a second one speaking only DICOM TLS on DICOM_TLS_PORT (PS3.15 B.9), so plain and TLS senders can move over
 * one at a time (`dicom.plain: false` leaves TLS alone). Failed TLS handshakes and peers refused by the calling
 * AE / address lists are audited as node authentication failures.
 */
export class DimseListener {
  /** the plain listener, or the TLS one when there is no plain one */
  readonly server: DimseServer;
  readonly tlsServer?: DimseServer;
  private readonly plainServer?: DimseServer;

  constructor(
    ingest: IngestService,
    private readonly config: Pick<NidusConfig, 'dicom'> & { http?: { host: string } },
    logger?: DimseLogger,
    audit?: AuditRecorder,
  ) {
    const d = config.dicom;
    const options: DimseServerOptions = {
      aeTitle: d.aeTitle,
      storeHandler: new DimseStoreHandler(ingest),
      transferSyntaxes: ingest.transferSyntaxes,
      allowedCallingAETitles: d.allowedCallingAETitles,
      allowedHosts: d.allowedHosts,
      callingAETitleAddresses: d.callingAETitleAddresses,
      maxAssociations: d.maxAssociations,
      maxAssociationsPerCallingAETitle: d.maxAssociationsPerCallingAETitle,
      maxAssociationsPerAddress: d.maxAssociationsPerAddress,
      reservedAssociations: d.reservedAssociations,
      reservedCallingAETitles: d.reservedCallingAETitles ?? [...new Set([...Object.keys(d.callingAETitleAddresses), ...d.allowedCallingAETitles])],
      maxPendingConnections: d.maxPendingConnections,
      maxPduLength: d.maxPduLength,
      artimTimeoutMs: d.artimTimeoutSeconds * 1000,
      idleTimeoutMs: d.idleTimeoutSeconds * 1000,
      pduTimeoutMs: d.pduTimeoutSeconds * 1000,
      logger,
    };
    if (d.plain) this.plainServer = new DimseServer(options);
    if (d.tls) {
      const tls = d.tls;
      this.tlsServer = new DimseServer({
        ...options,
        tls: {
          cert: tls.cert.reveal(),
          key: tls.key.reveal(),
          passphrase: tls.passphrase?.reveal(),
          ca: tls.ca?.reveal(),
          requireClientCertificate: tls.requireClientCertificate,
        },
      });
    }
    this.server = (this.plainServer ?? this.tlsServer)!;
    if (audit) for (const server of this.servers) this.audit(server, audit, logger);
  }

  get servers(): DimseServer[] {
    return [this.plainServer, this.tlsServer].filter((s): s is DimseServer => s !== undefined);
  }

  /** Starts the listeners; resolves with the plain port (or the TLS port when TLS only). DICOM_PORT 0 picks a free one. */
  async start(host?: string): Promise<{ port: number; tlsPort?: number }> {
    const at = host ?? this.config.http?.host;
    const port = this.plainServer ? await this.plainServer.listen(this.config.dicom.port, at) : undefined;
    const tlsPort = this.tlsServer ? await this.tlsServer.listen(this.config.dicom.tlsPort, at) : undefined;
    return { port: (port ?? tlsPort)!, tlsPort };
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }

  private audit(server: DimseServer, audit: AuditRecorder, logger?: DimseLogger): void {
    const record = (...args: Parameters<AuditRecorder['record']>) =>
      audit.record(...args).catch((error: Error) => logger?.warn({ error: error.message }, 'audit event not recorded'));
    server.on('tlsError', ({ remoteAddress, error }) => {
      void record('node.authentication', {
        actor: { userId: `dicom-tls:${remoteAddress}`, roles: [], address: remoteAddress },
        outcome: Outcome.MinorFailure,
        outcomeDescription: `DICOM TLS handshake failed: ${error.message}`,
        objects: [AuditObject.node(remoteAddress, { port: String(server.port) })],
      });
    });
    server.on('rejected', (info, rj) => {
      if (rj.source !== CALLING_AE_NOT_RECOGNIZED.source || rj.reason !== CALLING_AE_NOT_RECOGNIZED.reason) return;
      void record('node.authentication', {
        actor: dicomPeerActor(info.callingAETitle, info.remoteAddress, info.tls?.certificateSubject),
        outcome: Outcome.MinorFailure,
        outcomeDescription: `association rejected: calling AE title ${info.callingAETitle} not allowed from ${info.remoteAddress}`,
        objects: [AuditObject.node(info.remoteAddress, { callingAETitle: info.callingAETitle })],
      });
    });
  }
}
