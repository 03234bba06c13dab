import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from '../identity';
import { authorize } from './authorize';
import { Permission, PERMISSIONS, Role, roleTableMarkdown } from './role.table';

function as(...roles: Role[]): Identity {
  return { subject: `test:${roles.join('+')}`, name: 'test', roles, method: 'api-token' };
}

const study = { StudyInstanceUID: '1.2.3', alerted: false };
const alertedStudy = { StudyInstanceUID: '1.2.4', alerted: true };

// Written out from issues 13, 12 (delivery:manage) and 15 (model:monitor), not derived from ROLE_TABLE, so a change to the table that breaks it shows here.
const EXPECTED: Record<Role, Permission[]> = {
  admin: ['token:manage', 'config:view', 'audit:read', 'delivery:manage', 'model:monitor'],
  radiologist: ['study:read', 'review:decide', 'model:monitor'],
  stroke: ['alert:read', 'alert:acknowledge'],
  integration: ['study:store'],
  viewer: ['study:read'],
};

describe(authorize.name, () => {
  for (const [role, allowed] of Object.entries(EXPECTED) as [Role, Permission[]][]) {
    it(`lets ${role} do exactly ${allowed.join(', ')} on any study`, () => {
      for (const permission of PERMISSIONS) {
        const result = authorize(as(role), permission, study);
        expect([permission, result.allowed]).toEqual([permission, allowed.includes(permission)]);
      }
    });
  }

  it('lets stroke read a study only when it raised an alert', () => {
    expect(authorize(as('stroke'), 'study:read', alertedStudy)).toEqual({ allowed: true });
    const denied = authorize(as('stroke'), 'study:read', study);
    expect(denied).toEqual({ allowed: false, reason: 'role stroke may read studies only for studies that raised an alert' });
    // no resource (a QIDO search over every study) is no alerted study
    expect(authorize(as('stroke'), 'study:read').allowed).toBe(false);
  });

  it('unions the grants of several roles, the wider scope winning', () => {
    expect(authorize(as('stroke', 'viewer'), 'study:read', study).allowed).toBe(true);
    expect(authorize(as('integration', 'viewer'), 'study:store').allowed).toBe(true);
    expect(authorize(as('integration', 'viewer'), 'review:decide').allowed).toBe(false);
  });

  it('gives a one-line reason naming the held and the needed roles', () => {
    const result = authorize(as('viewer'), 'alert:acknowledge');
    expect(result).toEqual({ allowed: false, reason: 'role viewer may not acknowledge alerts (needs stroke)' });
    expect(authorize(as('integration', 'viewer'), 'study:read', study).allowed).toBe(true);
    expect(authorize(as('integration', 'viewer'), 'audit:read')).toEqual({
      allowed: false,
      reason: 'roles integration, viewer may not read the audit trail (needs admin)',
    });
    expect(authorize(as(), 'study:read', study)).toEqual({
      allowed: false,
      reason: 'an identity without a role may not read studies (needs radiologist or stroke or viewer)',
    });
  });

  it('ignores a role name it does not know instead of throwing', () => {
    const forged = { ...as('viewer'), roles: ['root' as Role] };
    expect(authorize(forged, 'token:manage').allowed).toBe(false);
  });

  it('renders the role table for README', () => {
    const table = roleTableMarkdown().split('\n');
    expect(table).toHaveLength(2 + 5);
    expect(table.find((l) => l.startsWith('| `stroke`'))).toContain('alerted studies');
  });
});

describe(roleTableMarkdown.name, () => {
  it('is the table README shows', () => {
    // as prettier may pad the cells: compare with runs of spaces and dashes folded
    const fold = (text: string) => text.replace(/ +/g, ' ').replace(/-{3,}/g, '---');
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    expect(fold(readme)).toContain(fold(roleTableMarkdown()));
  });
});
