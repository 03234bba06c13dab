import type { Identity } from '../identity';
import { describePermission, Permission, ROLE_TABLE, rolesGranting } from './role.table';

/** The study a request touches, when the permission is about one. */
export interface StudyResource {
  StudyInstanceUID: string;
  /** whether the study raised an alert (the stroke role reads only those) */
  alerted: boolean;
}

export type Authorization = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether the identity may do this. A denial carries the one-line reason the 403 body shows; it names
 * roles, never patient data.
 */
export function authorize(identity: Identity, permission: Permission, resource?: StudyResource): Authorization {
  const scopes = identity.roles.map((role) => ROLE_TABLE[role]?.grants[permission]).filter((s) => s !== undefined);
  if (scopes.includes('all')) return { allowed: true };
  if (scopes.includes('alerted')) {
    if (resource?.alerted) return { allowed: true };
    const holder = identity.roles.find((role) => ROLE_TABLE[role]?.grants[permission] === 'alerted');
    return { allowed: false, reason: `role ${holder} may ${describePermission(permission)} only for studies that raised an alert` };
  }
  const held = identity.roles.length ? `role${identity.roles.length > 1 ? 's' : ''} ${identity.roles.join(', ')}` : 'an identity without a role';
  return { allowed: false, reason: `${held} may not ${describePermission(permission)} (needs ${rolesGranting(permission).join(' or ')})` };
}
