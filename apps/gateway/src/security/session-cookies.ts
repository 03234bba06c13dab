import { cookieName } from '@nidus/auth';

/** The page's session (a sealed libs/auth Session), HttpOnly, Secure, SameSite=Lax, host-only (__Host-). */
export const SESSION_COOKIE = cookieName('nidus_session');
/** The sign-in under way (a sealed PendingSignIn), between leaving for the provider and coming back. */
export const PENDING_SIGN_IN_COOKIE = cookieName('nidus_oidc');
/** The purposes the cookies are sealed for (bound into the seal, so one cannot stand in for the other). */
export const SESSION_PURPOSE = 'session';
export const PENDING_SIGN_IN_PURPOSE = 'oidc-pending';
