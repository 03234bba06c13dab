import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import {
  AckLinkService,
  AckLinkSigner,
  ApiTokenService,
  AuditRecorder,
  AuditSink,
  CookieSealer,
  FailureLimiter,
  FanOutAuditSink,
  OidcCodeFlow,
  OidcDiscovery,
  OidcOptions,
  OidcTokenVerifier,
  SyslogForwarder,
  TokenBucketLimiter,
} from '@nidus/auth';
import type { NidusConfig } from '@nidus/config';
import type { Logger, Metrics } from '@nidus/observability';
import { AckLinkUseRepository, ApiTokenRepository, AuditRepository } from '@nidus/persistence';
import { readOrCreateKey } from './key-file';

/** OIDC sign-in and bearer checks, when `auth.oidc` is configured. */
export interface OidcContext {
  options: OidcOptions;
  verifier: OidcTokenVerifier;
  flow: OidcCodeFlow;
}

/** Identities and the audit trail of one process, built once from the configuration. */
export interface SecurityContext {
  /** records audit events: the database's append-only trail, then the syslog copy */
  audit: AuditRecorder;
  /** reads the trail back (GET /api/audit) */
  auditLog: AuditRepository;
  tokens: ApiTokenService;
  /** signs the acknowledge links of pages (workers) */
  ackSigner: AckLinkSigner;
  /** checks and redeems them (gateway) */
  ackLinks: AckLinkService;
  ackLinkTtlSeconds: number;
  cookies: CookieSealer;
  oidc?: OidcContext;
  /** failed credentials per client address */
  limiter: FailureLimiter;
  close(): Promise<void>;
}

/** The configured secrets, or the key Nidus keeps in DATA_DIR/keys for them. */
function secrets(configured: { reveal(): string }[] | undefined, dataDir: string, name: string): string[] {
  return configured?.length ? configured.map((s) => s.reveal()) : [readOrCreateKey(dataDir, name)];
}

/** The AuditSourceID of this deployment. */
export function auditSource(config: Pick<NidusConfig, 'audit'>): string {
  return config.audit.source ?? `nidus@${hostname()}`;
}

export function oidcOptions(config: Pick<NidusConfig, 'auth'>): OidcOptions | undefined {
  const o = config.auth.oidc;
  if (!o) return undefined;
  return { ...o, clientSecret: o.clientSecret?.reveal() };
}

/** Opens the security side of a process on its database: tokens, links, cookies, OIDC, the audit trail (and syslog). */
export function openSecurity(config: NidusConfig, db: DataSource, logger: Logger, metrics?: Metrics): SecurityContext {
  const auditLog = new AuditRepository(db);
  const source = auditSource(config);
  const syslog = config.audit.syslog;
  const forwarder = syslog
    ? new SyslogForwarder({
        transport: syslog.transport,
        host: syslog.host,
        port: syslog.port,
        format: syslog.format,
        tls: syslog.tls && { ca: syslog.tls.ca?.reveal(), cert: syslog.tls.cert?.reveal(), key: syslog.tls.key?.reveal(), servername: syslog.tls.servername },
        header: { appName: 'nidus', enterpriseSiteId: config.audit.enterpriseSiteId },
        onError: (error) => logger.warn({ err: { type: error.name, message: error.message } }, 'audit syslog copy failed'),
      })
    : undefined;
  const sink: AuditSink = forwarder ? new FanOutAuditSink(auditLog, [forwarder], () => metrics?.auditWriteFailures.inc({ sink: 'syslog' })) : auditLog;
  const audit = new AuditRecorder(sink, source);
  const ackSigner = new AckLinkSigner(secrets(config.auth.ackLinkSecrets, config.dataDir, 'ack-link'));
  const options = oidcOptions(config);
  let oidc: OidcContext | undefined;
  if (options) {
    const discovery = new OidcDiscovery(options.issuer, { cacheSeconds: options.cacheSeconds, httpTimeoutMs: options.httpTimeoutMs });
    const verifier = new OidcTokenVerifier(discovery, options);
    oidc = { options, verifier, flow: new OidcCodeFlow(discovery, verifier, options) };
  }
  return {
    audit,
    auditLog,
    tokens: new ApiTokenService(new ApiTokenRepository(db)),
    ackSigner,
    ackLinks: new AckLinkService(ackSigner, new AckLinkUseRepository(db)),
    ackLinkTtlSeconds: config.auth.ackLinkTtlSeconds,
    cookies: new CookieSealer(secrets(config.auth.cookieSecrets, config.dataDir, 'cookie')),
    oidc,
    limiter: new TokenBucketLimiter(config.auth.rateLimit),
    close: async () => {
      await forwarder?.close();
    },
  };
}
