import { Controller, ForbiddenException, Get, Inject, NotFoundException, Post, Query, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthenticationError,
  clearCookieHeader,
  InvalidSessionError,
  OidcDiscoveryError,
  OidcSignInError,
  PENDING_SIGN_IN_SECONDS,
  PendingSignIn,
  RateLimitedError,
  readCookie,
  Session,
  sessionIdentity,
  setCookieHeader,
  SignInCallback,
} from '@nidus/auth';
import { PAGE_CSP } from '../security/browser-policy';
import { RequestAuthenticator } from '../security/request-authenticator';
import { clientAddress } from '../security/request-identity';
import { sameOrigin } from '../security/same-origin';
import { PENDING_SIGN_IN_COOKIE, PENDING_SIGN_IN_PURPOSE, SESSION_COOKIE, SESSION_PURPOSE } from '../security/session-cookies';
import { SECURITY_OPTIONS, SecurityModuleOptions } from '../security/security-module.options';
import { simplePage } from '../security/simple-page.html';

function page(res: Response, status: number, title: string, text: string[]): void {
  res.status(status).set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': PAGE_CSP });
  res.send(simplePage(title, text));
}

/**
 * The page's sign-in with the OpenID provider (authorization code with PKCE, libs/auth OidcCodeFlow): out to
 * the provider with the pending state sealed in a short cookie, back with a sealed session cookie; sign-out.
 */
@Controller('auth')
export class SignInController {
  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    @Inject(RequestAuthenticator) private readonly authenticator: RequestAuthenticator,
  ) {}

  private get oidc() {
    const oidc = this.options.security.oidc;
    if (!oidc) throw new NotFoundException('sign-in is not configured (auth.oidc in NIDUS_CONFIG)');
    return oidc;
  }

  /** `?returnTo=/path` on this server: where to land once signed in. */
  @Get('login')
  async login(@Query('returnTo') returnTo: string | undefined, @Res() res: Response): Promise<void> {
    const oidc = this.oidc;
    let begun: Awaited<ReturnType<typeof oidc.flow.begin>>;
    try {
      begun = await oidc.flow.begin(returnTo);
    } catch (error) {
      if (error instanceof OidcDiscoveryError) throw new ServiceUnavailableException('the identity provider cannot be reached');
      throw error;
    }
    const sealed = this.options.security.cookies.seal(PENDING_SIGN_IN_PURPOSE, begun.pending, new Date(Date.now() + PENDING_SIGN_IN_SECONDS * 1000));
    res.setHeader('Set-Cookie', setCookieHeader(PENDING_SIGN_IN_COOKIE, sealed, { maxAgeSeconds: PENDING_SIGN_IN_SECONDS }));
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, begun.url);
  }

  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const oidc = this.oidc;
    try {
      await this.authenticator.checkLimit(req);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return page(res, 429, 'Too many attempts', ['Too many failed sign-ins from this address. Wait a few minutes, then try again.']);
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const callback: SignInCallback = {
      code: text(query.code),
      state: text(query.state),
      error: text(query.error),
      error_description: text(query.error_description),
    };
    let session: Session;
    let returnTo: string;
    try {
      const sealed = readCookie(req.headers.cookie, PENDING_SIGN_IN_COOKIE);
      if (!sealed) throw new OidcSignInError('no sign-in under way in this browser (pending cookie missing)');
      const pending = this.options.security.cookies.open<PendingSignIn>(PENDING_SIGN_IN_PURPOSE, sealed);
      session = await oidc.flow.complete(callback, pending);
      returnTo = pending.returnTo;
    } catch (error) {
      if (error instanceof AuthenticationError) {
        await this.authenticator.failed(req, error);
        res.setHeader('Set-Cookie', clearCookieHeader(PENDING_SIGN_IN_COOKIE));
        return page(res, 401, 'Sign-in failed', ['Nidus could not sign you in. Start again from the page you came from, or ask your administrator.']);
      }
      if (error instanceof OidcDiscoveryError) return page(res, 503, 'Sign-in unavailable', ['The identity provider cannot be reached. Try again shortly.']);
      throw error;
    }
    const identity = sessionIdentity(session);
    await this.options.security.audit.record('user.sign-in', { identity, address: clientAddress(req) });
    const maxAgeSeconds = (session.expiresAt - Date.now()) / 1000;
    res.setHeader('Set-Cookie', [
      clearCookieHeader(PENDING_SIGN_IN_COOKIE),
      setCookieHeader(SESSION_COOKIE, this.options.security.cookies.seal(SESSION_PURPOSE, session, new Date(session.expiresAt)), { maxAgeSeconds }),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, returnTo);
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!sameOrigin(req)) throw new ForbiddenException('a request from another origin may not sign out');
    const sealed = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (sealed) {
      try {
        const session = this.options.security.cookies.open<Session>(SESSION_PURPOSE, sealed);
        await this.options.security.audit.record('user.sign-out', { identity: sessionIdentity(session), address: clientAddress(req) });
      } catch (error) {
        if (!(error instanceof InvalidSessionError)) throw error;
      }
    }
    res.setHeader('Set-Cookie', clearCookieHeader(SESSION_COOKIE));
    res.redirect(303, '/');
  }
}
