import type { Role } from './roles/role.table';

/** How an identity was proven. */
export type AuthMethod = 'api-token' | 'oidc-bearer' | 'session' | 'ack-link';

/** A verified identity: who the request acts as. Built only by the authenticators of this library. */
export interface Identity {
  /** stable identifier: `token:<id>` for API tokens, `<issuer>#<sub>` for OIDC, `ack:<target>` for acknowledgement links */
  subject: string;
  /** what people read in the audit trail: the token's name, the user's name or e-mail, the paged target */
  name: string;
  roles: readonly Role[];
  method: AuthMethod;
  /** the API token's id, when method is api-token */
  tokenId?: string;
}
