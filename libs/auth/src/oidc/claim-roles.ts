import { isRole, Role } from '../roles/role.table';

/** The value at a dot path of a claims object (`realm_access.roles`); a key that itself holds a dot is tried whole first. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Nidus roles from the configured claim: an array of strings, or one string of names separated by spaces
 * or commas. With a role map, only mapped names count; without, names that are Nidus roles. Others are ignored.
 */
export function rolesFromClaims(claims: Record<string, unknown>, path: string, roleMap?: Record<string, Role>): Role[] {
  const value = claimAt(claims, path);
  const names = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const roles = new Set<Role>();
  for (const name of names) {
    const role = roleMap ? (Object.prototype.hasOwnProperty.call(roleMap, name) ? roleMap[name] : undefined) : name;
    if (isRole(role)) roles.add(role);
  }
  return [...roles];
}
