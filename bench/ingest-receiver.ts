// The Nidus receiving process of the ingest benchmarks: the gateway's ingest stack as `nidus serve` runs it
// (NidusCoreModule + DicomWebModule with IngestModule: DIMSE listener, STOW-RS, SQLite index, file store with
// fsync, study assembly on Bull/Redis). Prints `READY <httpPort> <dicomPort>` when it listens.
// Run by bench/ingest-storescu.js and bench/ingest-stow.js: node dist/bench/ingest-receiver.js <dataDir>
import './register-aliases';
import { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@nidus/config';
import { DimseListener, IngestModule } from '@nidus/ingest';
import { closeAppContext, NidusCoreModule, openAppContext } from '@nidus/runtime';
import { DicomWebModule } from '../apps/gateway/src/dicomweb';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const config = loadConfig({
    DATA_DIR: dataDir,
    DICOM_PORT: '0',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DICOM_AE_TITLE: 'NIDUS',
    DISK_RESERVE_MB: '256',
  });
  const context = await openAppContext(config, { queuePrefix: `bench-ingest-${process.pid}` });
  @Module({ imports: [NidusCoreModule.forContext(context), IngestModule.register(), DicomWebModule.register({ maxRequestBytes: 8 * 1024 ** 3 })] })
  class ReceiverModule {}
  const app = await NestFactory.create(ReceiverModule, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;
  const dicomPort = app.get(DimseListener).server.port;
  process.stdout.write(`READY ${httpPort} ${dicomPort}\n`);
  process.once('SIGTERM', async () => {
    await app.close();
    for (const q of Object.values(context.queue.queues)) await q.obliterate({ force: true }).catch(() => undefined);
    await closeAppContext(context);
    process.exit(0);
  });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
