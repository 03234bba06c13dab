import { z } from 'zod';
import { secretSetting } from '../secret-setting';

// Section `alerts` of NIDUS_CONFIG: which finished analyses page which team, through which on-call chain,
// with how much patient information.

/**
 * A comparison in a rule: `hypoperfusionVolumeMl >= 15`, `eligibility.defuse3`, `affectedHemisphere == left`,
 * `findings.hemorrhage.present`, `measurements.hemorrhage.volumeMl >= 5` (paths as resultValue reads them, libs/analysis).
 */
export interface AlertComparison {
  /** dotted path into the analysis result, e.g. ['eligibility', 'defuse3'] */
  path: string[];
  op: '>=' | '>' | '<=' | '<' | '==' | '!=';
  value: number | boolean | string | null;
  /** the text it was parsed from, for logs and payloads */
  source: string;
}

/** A rule's condition: every comparison must hold (`all`), or at least one (`any`). */
export type AlertCondition = { any: AlertComparison[] } | { all: AlertComparison[] };

// a field name, then names, keys or codes: `findings.hemorrhage.present`, `findings.55641003.present`
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*$/;
const COMPARISON = /^\s*([A-Za-z0-9_.-]+)\s*(?:(>=|<=|==|!=|>|<)\s*(.+?))?\s*$/;

function literal(text: string): number | boolean | string | null {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return Number(text);
  return text;
}

/** Parses one comparison; a bare path means `path == true`. Returns a one-line reason when it cannot. */
export function parseAlertComparison(source: string): AlertComparison | string {
  const m = COMPARISON.exec(source);
  if (!m || !PATH.test(m[1]))
    return `cannot read '${source}': expected '<field> <op> <value>' (op one of >= > <= < == !=) or a bare boolean field such as 'eligibility.defuse3'`;
  const [, path, op, raw] = m;
  if (!op) return { path: path.split('.'), op: '==', value: true, source: source.trim() };
  const value = literal(raw.trim());
  if (['>=', '>', '<=', '<'].includes(op) && typeof value !== 'number') return `cannot read '${source}': '${op}' needs a number, got '${raw.trim()}'`;
  return { path: path.split('.'), op: op as AlertComparison['op'], value, source: source.trim() };
}

/** A string (one comparison), or `{ any: [...] }` / `{ all: [...] }` of comparisons; parsed once, at start-up. */
const condition = z
  .union([z.string(), z.object({ any: z.array(z.string()).min(1) }).strict(), z.object({ all: z.array(z.string()).min(1) }).strict()])
  .transform((when, ctx): AlertCondition => {
    const [key, sources]: ['any' | 'all', string[]] = typeof when === 'string' ? ['all', [when]] : 'any' in when ? ['any', when.any] : ['all', when.all];
    const comparisons = sources.map((source, i) => {
      const parsed = parseAlertComparison(source);
      if (typeof parsed === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: typeof when === 'string' ? [] : [key, i], message: parsed });
      return parsed as AlertComparison;
    });
    return key === 'any' ? { any: comparisons } : { all: comparisons };
  });

export const alertLevelSchema = z.enum(['critical', 'info']);
export type AlertLevel = z.output<typeof alertLevelSchema>;

const ruleSchema = z
  .object({
    name: z.string().min(1).max(64),
    /** the analysis kind it applies to (`ctp` or a model id); absent: every kind */
    analysis: z.string().min(1).optional(),
    when: condition,
    /** critical: paged through the on-call chain with escalation; info: sent to the first step only */
    level: alertLevelSchema.default('critical'),
    team: z.string().min(1).max(64),
    /** when a stat analysis of this kind fails or is refused, the team gets an alert saying so and why (default true) */
    onFailure: z.boolean().default(true),
  })
  .strict();
export type AlertRule = z.output<typeof ruleSchema>;

const webhookStep = z
  .object({
    /** who this step pages, for the payload and the audit trail (e.g. `stroke-resident`) */
    name: z.string().min(1).max(64),
    type: z.literal('webhook').default('webhook'),
    url: z.string().url(),
    /** shared secret of the HMAC-SHA256 signature (X-Nidus-Signature) */
    secret: secretSetting({ minBytes: 16 }),
    /** if nobody acknowledges within this time, the next step is paged */
    ackTimeoutSeconds: z
      .number()
      .positive()
      .max(24 * 3600)
      .default(300),
  })
  .strict();
export type AlertTarget = z.output<typeof webhookStep>;

const teamSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().min(1).max(128).optional(),
    /** paged in order until someone acknowledges */
    onCall: z.array(webhookStep).default([]),
  })
  .strict();
export type AlertTeam = z.output<typeof teamSchema>;

const phiSchema = z
  .object({
    accessionNumber: z.boolean().default(true),
    patientId: z.boolean().default(false),
    patientName: z.boolean().default(false),
    patientAge: z.boolean().default(true),
    patientSex: z.boolean().default(true),
  })
  .strict();
export type AlertPhiOptions = z.output<typeof phiSchema>;

/** Shipped default: the stroke team, critical on DEFUSE 3 or EXTEND eligibility or Tmax > 6 s >= 15 mL, from CT perfusion or MR stroke; no targets. */
export const DEFAULT_ALERT_RULES: z.input<typeof ruleSchema>[] = [
  {
    name: 'stroke-treatable-perfusion',
    analysis: 'ctp',
    level: 'critical',
    team: 'stroke',
    when: { any: ['eligibility.defuse3', 'eligibility.extend', 'hypoperfusionVolumeMl >= 15'] },
  },
  {
    name: 'stroke-treatable-mr',
    analysis: 'mr-stroke',
    level: 'critical',
    team: 'stroke',
    when: { any: ['eligibility.defuse3', 'eligibility.extend', 'hypoperfusionVolumeMl >= 15'] },
  },
];
export const DEFAULT_ALERT_TEAMS: z.input<typeof teamSchema>[] = [{ id: 'stroke', name: 'Stroke team', onCall: [] }];

export const alertsSectionSchema = z
  .object({
    rules: z.array(ruleSchema).default(DEFAULT_ALERT_RULES),
    teams: z.array(teamSchema).default(DEFAULT_ALERT_TEAMS),
    /** which patient identifiers an alert carries (the least that lets the team act) */
    phi: phiSchema.default({}),
    /** public base URL of the Nidus gateway, for the study link and the acknowledge link; absent: no links. https, but for this machine */
    publicBaseUrl: z
      .string()
      .url()
      .refine((url) => /^https:/i.test(url) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(url), {
        message: 'links in alerts must be https:// (put Nidus behind HTTPS, http.tls or a reverse proxy); http:// only for this machine',
      })
      .optional(),
    /** a small PNG of the result in the payload */
    image: z
      .object({ enabled: z.boolean().default(true), width: z.number().int().min(64).max(1024).default(320) })
      .strict()
      .default({}),
    webhook: z
      .object({
        timeoutSeconds: z.number().positive().max(120).default(5),
        /** tries per page on 5xx, 408, 429 or network errors; a 4xx is final */
        attempts: z.number().int().min(1).max(10).default(3),
        retryDelaySeconds: z.number().min(0).max(60).default(0.5),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((section, ctx) => {
    const teams = new Set<string>();
    section.teams.forEach((t, i) => {
      if (teams.has(t.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['teams', i, 'id'], message: `team '${t.id}' is defined twice` });
      teams.add(t.id);
    });
    section.rules.forEach((r, i) => {
      if (!teams.has(r.team)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rules', i, 'team'], message: `no team '${r.team}' in alerts.teams` });
    });
  });

export type AlertsSection = z.output<typeof alertsSectionSchema>;
