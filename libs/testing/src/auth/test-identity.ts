import type { Identity, Role } from '@nidus/auth';

/** A verified identity as the authenticators make them, for tests of what acts on one. */
export function testIdentity(name: string, roles: Role[] = ['stroke'], method: Identity['method'] = 'api-token'): Identity {
  return { subject: `test:${name}`, name, roles, method };
}
