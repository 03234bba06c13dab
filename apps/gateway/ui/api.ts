// Requests to the gateway with the user's credential: the session cookie (OIDC sign-in) rides along by itself; an
// API token entered once on the sign-in panel is kept in this browser and sent as a bearer token.

const TOKEN_KEY = 'nidus.apiToken';

/** The API answered 401: nobody is signed in (or the token no longer works). */
export class SignInNeededError extends Error {
  override name = 'SignInNeededError';
}

/** Any other refusal or failure, with the gateway's one-line message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function apiToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setApiToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token.trim());
  else localStorage.removeItem(TOKEN_KEY);
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const token = apiToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(path, { ...init, credentials: 'same-origin', headers: authHeaders((init.headers as Record<string, string>) ?? {}) });
  if (res.status === 401) throw new SignInNeededError('sign in to see this page');
  if (!res.ok) {
    let message = res.statusText;
    try {
      const body = (await res.json()) as { message?: string | string[]; error?: string };
      message = (Array.isArray(body.message) ? body.message.join('; ') : body.message) ?? body.error ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, message);
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request(path, { headers: { Accept: 'application/json' } })).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (
    await request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) })
  ).json() as Promise<T>;
}

/** An image of the gateway (rendered, thumbnail) as an object URL, fetched with the credential. */
export async function imageUrl(path: string, accept = 'image/png'): Promise<string> {
  return URL.createObjectURL(await (await request(path, { headers: { Accept: accept } })).blob());
}
