import type { Identity } from '../identity';
import type { Role } from '../roles/role.table';

/** A signed-in page user, as the sealed session cookie carries it. Roles are those at sign-in. */
export interface Session {
  subject: string;
  name: string;
  roles: Role[];
  /** epoch ms */
  signedInAt: number;
  /** epoch ms; the cookie expires with it */
  expiresAt: number;
}

export function sessionIdentity(session: Session): Identity {
  return { subject: session.subject, name: session.name, roles: session.roles, method: 'session' };
}
