import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceFileStore } from '@nidus/persistence';
import { IngestService, StowIngestService } from '@nidus/ingest';
import { DicomWebQueryRepository } from './dicomweb-query.repository';
import { DEFAULT_DICOMWEB_OPTIONS, DICOMWEB_OPTIONS, DicomWebOptions } from './dicomweb.options';
import { QidoController } from './qido.controller';
import { StowController } from './stow.controller';
import { StudiesApiController } from './studies-api.controller';
import { WadoController } from './wado.controller';
import { WadoService } from './wado.service';
import { BulkDataService } from './bulk-data.service';
import { InstanceHeaderReader } from './instance-header.reader';
import { RenderedController } from './rendered.controller';
import { RenderedService } from './rendered.service';

/**
 * DICOMweb (STOW-RS, QIDO-RS, WADO-RS under /dicomweb) and the studies REST API (/api/studies).
 * Needs NidusCoreModule (database, repositories, config, logger) and IngestModule (STOW-RS stores through it).
 */
@Module({})
export class DicomWebModule {
  static register(options: Partial<DicomWebOptions> = {}): DynamicModule {
    return {
      module: DicomWebModule,
      controllers: [StowController, QidoController, WadoController, RenderedController, StudiesApiController],
      providers: [
        { provide: DICOMWEB_OPTIONS, useValue: { ...DEFAULT_DICOMWEB_OPTIONS, ...options } },
        { provide: DicomWebQueryRepository, inject: [DataSource], useFactory: (db: DataSource) => new DicomWebQueryRepository(db) },
        {
          provide: StowIngestService,
          inject: [IngestService, DICOMWEB_OPTIONS],
          useFactory: (ingest: IngestService, o: DicomWebOptions) => new StowIngestService(ingest, o),
        },
        { provide: WadoService, inject: [InstanceFileStore], useFactory: (store: InstanceFileStore) => new WadoService(store) },
        { provide: RenderedService, inject: [InstanceFileStore], useFactory: (store: InstanceFileStore) => new RenderedService(store) },
        { provide: BulkDataService, inject: [InstanceFileStore], useFactory: (store: InstanceFileStore) => new BulkDataService(store) },
        { provide: InstanceHeaderReader, inject: [InstanceFileStore], useFactory: (store: InstanceFileStore) => new InstanceHeaderReader(store) },
      ],
    };
  }
}
