import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppContext, NestPinoLogger } from '@nidus/runtime';
import { GatewayModule } from './gateway.module';

export interface RunningGateway {
  app: INestApplication;
  url: string;
  close: () => Promise<void>;
}

/** Starts the HTTP side on the configured host and port (0 picks a free one). */
export async function startGateway(context: AppContext): Promise<RunningGateway> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forContext(context), {
    logger: new NestPinoLogger(context.logger),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '16kb' }); // the REST API's small JSON bodies (POST /api/alerts/:id/ack); other bodies stay unparsed
  app.enableShutdownHooks = () => app; // shutdown is ours (onShutdown), not Nest's
  await app.listen(context.config.http.port, context.config.http.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = context.config.http.host === '0.0.0.0' ? '127.0.0.1' : context.config.http.host;
  const url = `http://${host}:${address.port}`;
  context.logger.info({ url }, 'HTTP gateway listening');
  return { app, url, close: () => app.close() };
}
