/**
 * The routes anyone may call, each with the reason. Every other route names a permission (RequirePermission);
 * the guard refuses a route that does neither, and route-security.medium.spec.ts fails on one.
 */
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /health': 'liveness and readiness for orchestrators and load balancers; no patient data',
  'GET /health/live': 'liveness; no patient data',
  'GET /health/ready': 'readiness; no patient data',
  'GET /metrics': 'Prometheus counters; no patient data',
  'GET /auth/login': 'starts the sign-in at the OpenID provider',
  'GET /auth/callback': "the provider's redirect back: the code exchange proves the identity",
  'POST /auth/logout': 'ends the session cookie it carries',
  'GET /ack/:token': 'an acknowledge link: the signed token is the credential; shows what it would acknowledge',
  'POST /ack/:token': 'an acknowledge link: the signed, single-use token is the credential',
  'GET /': 'redirects to the review page',
  'GET /worklist': "the review page's HTML shell; no patient data (the page reads the API with the user's credential)",
  'GET /studies/:study': "the review page's HTML shell (the study link of alerts); no patient data",
  'GET /alerts/:id': "the review page's HTML shell (the alert view); no patient data",
  'GET /models': "the review page's HTML shell (model monitoring); no patient data",
  'GET /ui/:file': "the review page's script and style, built from the repository; no patient data",
};

export function isPublicRoute(method: string, path: string | undefined): boolean {
  return path !== undefined && Object.prototype.hasOwnProperty.call(PUBLIC_ROUTES, `${method.toUpperCase()} ${path}`);
}
