import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { NidusConfig } from '@nidus/config';

/**
 * Headers on every answer (OWASP Secure Headers): nothing of ours in a frame (clickjacking), no type sniffing,
 * no referrer (acknowledge links carry their token in the path), and a CSP that lets a page load nothing but
 * itself; HSTS when served over HTTPS.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  next();
}

/** The CSP of the gateway's own small pages (sign-in result, acknowledge): their inline style, forms to themselves. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function hostOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return [new URL(url).hostname.toLowerCase()];
  } catch {
    return [];
  }
}

/** http.allowedHosts, or this machine's loopback names and the hosts the configuration names. */
export function allowedHostNames(config: Pick<NidusConfig, 'http' | 'alerts' | 'auth'>): Set<string> {
  if (config.http.allowedHosts) return new Set(config.http.allowedHosts.map((h) => h.toLowerCase()));
  return new Set(['localhost', ...hostOf(config.alerts.publicBaseUrl), ...hostOf(config.auth.oidc?.redirectUri)]);
}

/** The host name of a Host header (`name:port`, `[::1]:8080`), lower case. */
function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

/**
 * Refuses requests for host names Nidus was not told it has (421 Misdirected Request): a page on an attacker's
 * name that DNS rebinds to this gateway then reads nothing. IP literals are allowed (rebinding needs a name);
 * health and metrics answer whatever the name, for probes and scrapers.
 */
export function hostAllowList(config: Pick<NidusConfig, 'http' | 'alerts' | 'auth'>) {
  const allowed = allowedHostNames(config);
  return (req: Request, res: Response, next: NextFunction): void => {
    const name = hostName(req.headers.host ?? '');
    if (isIP(name) || allowed.has(name) || req.path === '/metrics' || req.path === '/health' || req.path.startsWith('/health/')) return next();
    res.status(421).json({
      statusCode: 421,
      error: 'Misdirected Request',
      message: `this gateway does not answer for host ${name.slice(0, 255) || '(none)'} (http.allowedHosts)`,
    });
  };
}
