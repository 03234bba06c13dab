import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT } from 'jose';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  jwk: JWK;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  user: JWTPayload;
}

/**
 * A small OpenID Provider for tests, on a loopback port: discovery, JWKS, /authorize (answers at once with a
 * code for `user`, as if the person had signed in), /token (checks client, redirect URI and PKCE). Its keys
 * are made here; `rotate()` replaces them.
 */
export class TestOidcIssuer {
  private server?: Server;
  private keys: SigningKey[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  /** the person who signs in at /authorize next */
  user: JWTPayload = { sub: 'user-1', name: 'Test User' };
  /** claims merged into the next ID tokens (to make bad ones) */
  idTokenOverrides: JWTPayload = {};
  jwksRequests = 0;
  tokenRequests: { headers: IncomingMessage['headers']; form: URLSearchParams }[] = [];

  constructor(
    readonly clientId: string,
    readonly clientSecret: string | undefined,
  ) {}

  get issuer(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    await this.rotate();
    this.server = createServer((req, res) => void this.handle(req, res).catch((e) => this.send(res, 500, { error: String(e) })));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** New signing key first; the old one is dropped unless kept (a provider publishing both during rotation). */
  async rotate(keepOld = false, alg = 'RS256'): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomBytes(6).toString('hex');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    this.keys = [{ kid, alg, privateKey, jwk }, ...(keepOld ? this.keys : [])];
  }

  /** A JWT signed by the current key (or a key not published, `foreign`), issued by this issuer. */
  async sign(claims: JWTPayload, options: { foreign?: boolean; expiresInSeconds?: number; alg?: string } = {}): Promise<string> {
    let key = this.keys[0];
    if (options.foreign) {
      const { privateKey } = await generateKeyPair(key.alg);
      key = { ...key, privateKey };
    }
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, iat: now, exp: now + (options.expiresInSeconds ?? 300), ...claims })
      .setProtectedHeader({ alg: options.alg ?? key.alg, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, this.issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return this.send(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
    }
    if (url.pathname === '/jwks') {
      this.jwksRequests++;
      return this.send(res, 200, { keys: this.keys.map((k) => k.jwk) });
    }
    if (url.pathname === '/authorize') return this.authorize(url, res);
    if (url.pathname === '/token' && req.method === 'POST') return this.token(req, res);
    this.send(res, 404, { error: 'not_found' });
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== this.clientId || !redirectUri) return this.send(res, 400, { error: 'invalid_client' });
    const back = new URL(redirectUri);
    if (q.get('state')) back.searchParams.set('state', q.get('state')!);
    if (
      q.get('response_type') !== 'code' ||
      q.get('code_challenge_method') !== 'S256' ||
      !q.get('code_challenge') ||
      !q.get('scope')?.split(' ').includes('openid')
    ) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = randomBytes(16).toString('base64url');
      this.codes.set(code, {
        clientId: this.clientId,
        redirectUri,
        codeChallenge: q.get('code_challenge')!,
        nonce: q.get('nonce') ?? undefined,
        user: this.user,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.tokenRequests.push({ headers: req.headers, form });
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) [clientId, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent);
    if (clientId !== this.clientId || (this.clientSecret !== undefined && secret !== this.clientSecret))
      return this.send(res, 401, { error: 'invalid_client' });
    const code = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    if (form.get('grant_type') !== 'authorization_code' || !code || code.redirectUri !== form.get('redirect_uri'))
      return this.send(res, 400, { error: 'invalid_grant' });
    const challenge = createHash('sha256')
      .update(form.get('code_verifier') ?? '', 'ascii')
      .digest('base64url');
    if (challenge !== code.codeChallenge) return this.send(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    const idToken = await this.sign({ aud: this.clientId, nonce: code.nonce, ...code.user, ...this.idTokenOverrides });
    const accessToken = await this.sign({ aud: 'nidus-api', ...code.user });
    this.send(res, 200, { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 300 });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }
}
