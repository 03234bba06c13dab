import { hostname, userInfo } from 'node:os';
import { ApiTokenSummary, AuditActor, AuditObject, isRole, Role, ROLES } from '@nidus/auth';
import { loadConfig } from '@nidus/config';
import { createLogger } from '@nidus/observability';
import { openDatabase } from '@nidus/persistence';
import { openSecurity, SecurityContext } from '@nidus/runtime';

/** A bad argument of `nidus tokens` (one line, exit 2). */
export class TokenCommandError extends Error {
  override name = 'TokenCommandError';
}

/** `--expires`: a duration (`90d`, `12h`, `30m`) from now, or an ISO 8601 date-time. */
export function parseExpiry(value: string, now = new Date()): Date {
  const duration = /^(\d+)\s*([dhm])$/i.exec(value.trim());
  if (duration) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[duration[2].toLowerCase() as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + Number(duration[1]) * unit);
  }
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || !Number.isFinite(at))
    throw new TokenCommandError(`--expires: expected 90d, 12h, 30m or an ISO date, got '${value}'`);
  return new Date(at);
}

/** Who runs the command, for createdBy and the audit trail: the operating-system user on this host. */
function cliActor(): AuditActor & { subject: string } {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid)
  }
  return { subject: `cli:${user}`, userId: `cli:${user}`, userName: `${user} (nidus tokens on ${hostname()})`, roles: [] };
}

/** The tokens of the database NIDUS_CONFIG / DATABASE_URL / DATA_DIR name, without Redis or the services. */
async function withSecurity<T>(env: Record<string, string | undefined>, work: (security: SecurityContext) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.database);
  const security = openSecurity(config, db, logger);
  try {
    return await work(security);
  } finally {
    await security.close();
    await db.destroy();
  }
}

function line(t: ApiTokenSummary): string {
  const date = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
  const state = t.revokedAt ? `revoked ${date(t.revokedAt)}` : t.expiresAt && t.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
  return [t.id, t.name, t.role, t.hint, date(t.createdAt), date(t.expiresAt), date(t.lastUsedAt), state].join('\t');
}

export interface CreateOptions {
  name: string;
  role: string;
  expires?: string;
  json?: boolean;
}

/** `nidus tokens create --name --role [--expires]`: prints the token once; only its hash is kept. */
export async function createToken(options: CreateOptions, env: Record<string, string | undefined>, out = process.stdout): Promise<void> {
  if (!isRole(options.role)) throw new TokenCommandError(`--role: one of ${ROLES.join(', ')}, got '${options.role}'`);
  const role: Role = options.role;
  const expiresAt = options.expires ? parseExpiry(options.expires) : null;
  await withSecurity(env, async (security) => {
    const actor = cliActor();
    let created: Awaited<ReturnType<SecurityContext['tokens']['create']>>;
    try {
      created = await security.tokens.create({ name: options.name, role, expiresAt, createdBy: actor.subject });
    } catch (error) {
      if (error instanceof RangeError) throw new TokenCommandError(error.message);
      throw error;
    }
    await security.audit.record('token.create', { actor, objects: [AuditObject.apiToken(created.record.id, created.record.name, created.record.role)] });
    const { record, token } = created;
    if (options.json) {
      out.write(`${JSON.stringify({ id: record.id, name: record.name, role: record.role, expiresAt: record.expiresAt?.toISOString() ?? null, token })}\n`);
      return;
    }
    out.write(
      `API token ${record.id} "${record.name}" (role ${record.role}, ${record.expiresAt ? `expires ${record.expiresAt.toISOString()}` : 'does not expire'}).\n` +
        `It is shown only now; keep it in a secret store:\n\n${token}\n`,
    );
  });
}

/** `nidus tokens list`: every token, newest first, never the token itself. */
export async function listTokens(options: { json?: boolean }, env: Record<string, string | undefined>, out = process.stdout): Promise<void> {
  await withSecurity(env, async (security) => {
    const tokens = await security.tokens.list();
    if (options.json) return void out.write(`${JSON.stringify(tokens)}\n`);
    out.write(`${['id', 'name', 'role', 'hint', 'created', 'expires', 'last used', 'state'].join('\t')}\n`);
    for (const t of tokens) out.write(`${line(t)}\n`);
  });
}

/** `nidus tokens revoke <id>`: the token stops working at once. */
export async function revokeToken(id: string, env: Record<string, string | undefined>, out = process.stdout): Promise<void> {
  await withSecurity(env, async (security) => {
    const actor = cliActor();
    let revoked: ApiTokenSummary;
    try {
      revoked = await security.tokens.revoke(id, actor.subject);
    } catch (error) {
      if (error instanceof RangeError) throw new TokenCommandError(error.message);
      throw error;
    }
    await security.audit.record('token.revoke', { actor, objects: [AuditObject.apiToken(revoked.id, revoked.name, revoked.role)] });
    out.write(`revoked ${revoked.id} "${revoked.name}"\n`);
  });
}
