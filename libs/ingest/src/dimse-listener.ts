import { DimseLogger, DimseServer } from '@nidus/dicom-net';
import type { NidusConfig } from '@nidus/config';
import { DimseStoreHandler } from './dimse-store.handler';
import { IngestService } from './ingest.service';

/** The DIMSE listener of the gateway: our SCP on DICOM_PORT with the `dicom` section's policy. */
export class DimseListener {
  readonly server: DimseServer;

  constructor(
    ingest: IngestService,
    private readonly config: Pick<NidusConfig, 'dicom'> & { http?: { host: string } },
    logger?: DimseLogger,
  ) {
    const d = config.dicom;
    this.server = new DimseServer({
      aeTitle: d.aeTitle,
      storeHandler: new DimseStoreHandler(ingest),
      transferSyntaxes: ingest.transferSyntaxes,
      allowedCallingAETitles: d.allowedCallingAETitles,
      allowedHosts: d.allowedHosts,
      maxAssociations: d.maxAssociations,
      maxPduLength: d.maxPduLength,
      idleTimeoutMs: d.idleTimeoutSeconds * 1000,
      logger,
    });
  }

  /** Resolves with the port (DICOM_PORT 0 picks a free one). */
  start(host?: string): Promise<number> {
    return this.server.listen(this.config.dicom.port, host ?? this.config.http?.host);
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
