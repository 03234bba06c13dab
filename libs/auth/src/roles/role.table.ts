/** The roles of Nidus (issue 13). One identity may hold several. */
export const ROLES = ['admin', 'radiologist', 'stroke', 'integration', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What a route asks for. Each route that serves or changes patient data names exactly one. */
export const PERMISSIONS = [
  'study:read',
  'study:store',
  'review:decide',
  'alert:read',
  'alert:acknowledge',
  'token:manage',
  'config:view',
  'audit:read',
  'delivery:manage',
  'model:monitor',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** How far a grant reaches: every study, or only studies that raised an alert. */
export type GrantScope = 'all' | 'alerted';

export interface RoleDefinition {
  summary: string;
  grants: Partial<Record<Permission, GrantScope>>;
}

/** The one table of who may do what. README's role table is rendered from it (roleTableMarkdown). */
export const ROLE_TABLE: Readonly<Record<Role, RoleDefinition>> = {
  admin: {
    summary: 'tokens, configuration view, audit trail, result deliveries, model monitoring',
    grants: { 'token:manage': 'all', 'config:view': 'all', 'audit:read': 'all', 'delivery:manage': 'all', 'model:monitor': 'all' },
  },
  radiologist: {
    summary: 'read studies and results, review decisions, model monitoring',
    grants: { 'study:read': 'all', 'review:decide': 'all', 'model:monitor': 'all' },
  },
  stroke: {
    summary: 'alerts, acknowledge, read the alerted study',
    grants: { 'alert:read': 'all', 'alert:acknowledge': 'all', 'study:read': 'alerted' },
  },
  integration: { summary: 'STOW-RS only: a PACS pushing studies', grants: { 'study:store': 'all' } },
  viewer: { summary: 'read studies and results only', grants: { 'study:read': 'all' } },
};

const PERMISSION_WORDS: Record<Permission, string> = {
  'study:read': 'read studies',
  'study:store': 'store studies',
  'review:decide': 'record review decisions',
  'alert:read': 'see alerts',
  'alert:acknowledge': 'acknowledge alerts',
  'token:manage': 'manage API tokens',
  'config:view': 'view the configuration',
  'audit:read': 'read the audit trail',
  'delivery:manage': 'see and resend result deliveries',
  'model:monitor': 'see how reviewers judged the models',
};

export function describePermission(permission: Permission): string {
  return PERMISSION_WORDS[permission];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The roles whose grant covers the permission, in table order. */
export function rolesGranting(permission: Permission): Role[] {
  return ROLES.filter((role) => ROLE_TABLE[role].grants[permission] !== undefined);
}

/** The role table as Markdown, for README. */
export function roleTableMarkdown(): string {
  const header = `| role | ${PERMISSIONS.map((p) => `\`${p}\``).join(' | ')} |`;
  const rule = `| --- | ${PERMISSIONS.map(() => '---').join(' | ')} |`;
  const rows = ROLES.map((role) => {
    const words: Record<GrantScope, string> = { all: 'yes', alerted: 'alerted studies' };
    const cells = PERMISSIONS.map((p) => {
      const scope = ROLE_TABLE[role].grants[p];
      return scope ? words[scope] : '';
    });
    return `| \`${role}\` (${ROLE_TABLE[role].summary}) | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
