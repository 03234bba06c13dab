import type { Request } from 'express';

/**
 * Whether a state-changing request from a browser comes from this gateway's own pages (OWASP CSRF: verifying
 * origin with standard headers). Browsers send Origin on every cross-origin POST; a mismatch, or the opaque
 * `null`, is refused. Without Origin (not a browser, or a very old one) the Referer decides when present.
 */
export function sameOrigin(req: Request): boolean {
  const own = `${req.protocol}://${req.get('host')}`.toLowerCase();
  const origin = req.get('origin');
  if (origin !== undefined) return origin.toLowerCase() === own;
  const referer = req.get('referer');
  if (referer === undefined) return true;
  try {
    return new URL(referer).origin.toLowerCase() === own;
  } catch {
    return false;
  }
}
