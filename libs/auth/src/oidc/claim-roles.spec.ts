import { claimAt, rolesFromClaims } from './claim-roles';

describe(rolesFromClaims.name, () => {
  it('reads an array at a dot path, a space or comma separated string, and a key with a dot in it', () => {
    expect(rolesFromClaims({ realm_access: { roles: ['viewer', 'uma_authorization', 'admin'] } }, 'realm_access.roles')).toEqual(['viewer', 'admin']);
    expect(rolesFromClaims({ roles: 'stroke,viewer  radiologist' }, 'roles')).toEqual(['stroke', 'viewer', 'radiologist']);
    expect(rolesFromClaims({ 'https://nidus/roles': ['integration'] }, 'https://nidus/roles')).toEqual(['integration']);
    expect(rolesFromClaims({ 'a.b': ['admin'], a: { b: ['viewer'] } }, 'a.b')).toEqual(['admin']);
  });

  it('maps names through the role map and ignores unmapped ones, even Nidus role names', () => {
    const map = { 'Neuro On Call': 'stroke', 'RAD-READ': 'radiologist' } as const;
    expect(rolesFromClaims({ groups: ['Neuro On Call', 'admin', 'RAD-READ', 'RAD-READ'] }, 'groups', map)).toEqual(['stroke', 'radiologist']);
    expect(rolesFromClaims({ groups: ['constructor', 'toString'] }, 'groups', map)).toEqual([]);
  });

  it('gives no roles for a missing claim, a number, an object, or a path through a non-object', () => {
    expect(rolesFromClaims({}, 'roles')).toEqual([]);
    expect(rolesFromClaims({ roles: 7 }, 'roles')).toEqual([]);
    expect(rolesFromClaims({ roles: { admin: true } }, 'roles')).toEqual([]);
    expect(rolesFromClaims({ roles: ['admin', 3, null] }, 'roles')).toEqual(['admin']);
    expect(claimAt({ a: 'x' }, 'a.b')).toBeUndefined();
    expect(claimAt({ a: ['x'] }, 'a.0')).toBeUndefined();
  });
});
