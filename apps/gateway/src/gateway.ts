import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NidusConfig } from '@nidus/config';
import { AppContext, NestPinoLogger } from '@nidus/runtime';
import { GatewayModule } from './gateway.module';
import { hostAllowList, securityHeaders } from './security/browser-policy';

export interface RunningGateway {
  app: INestApplication;
  url: string;
  close: () => Promise<void>;
}

/** What Express itself must be told: the reverse proxy to trust, headers, the Host allow-list, CORS. */
export function applyHttpPolicy(app: NestExpressApplication, config: Pick<NidusConfig, 'http' | 'alerts' | 'auth'>): void {
  // behind a proxy that terminates TLS: req.ip and req.protocol from X-Forwarded-For / -Proto, as far as trusted
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use(hostAllowList(config));
  if (config.http.corsOrigins.length) {
    app.enableCors({
      origin: config.http.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept'],
      exposedHeaders: ['Warning', 'Retry-After', 'Content-Location'],
      credentials: false,
      maxAge: 600,
    });
  }
}

/** Starts the HTTP side on the configured host and port (0 picks a free one), over HTTPS when http.tls is given. */
export async function startGateway(context: AppContext): Promise<RunningGateway> {
  const tls = context.config.http.tls;
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forContext(context), {
    logger: new NestPinoLogger(context.logger),
    bodyParser: false,
    httpsOptions: tls && { cert: tls.cert.reveal(), key: tls.key.reveal(), passphrase: tls.passphrase?.reveal() },
  });
  applyHttpPolicy(app, context.config);
  app.useBodyParser('json', { limit: '16kb' }); // the REST API's small JSON bodies; other bodies stay unparsed
  app.enableShutdownHooks = () => app; // shutdown is ours (onShutdown), not Nest's
  await app.listen(context.config.http.port, context.config.http.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = context.config.http.host === '0.0.0.0' ? '127.0.0.1' : context.config.http.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  context.logger.info({ url }, 'HTTP gateway listening');
  return { app, url, close: () => app.close() };
}
