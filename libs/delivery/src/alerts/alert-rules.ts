import { resultValue } from '@nidus/analysis';
import type { AlertComparison, AlertCondition, AlertLevel, AlertRule } from '@nidus/config';

/** Which rules an analysis result meets, and the one alert it raises. */
export interface AlertDecision {
  level: AlertLevel;
  team: string;
  /** names of the rules met for that team, in configuration order */
  rules: string[];
  /** the comparisons that held, as written in the configuration */
  reasons: string[];
}

const LEVEL_RANK: Record<AlertLevel, number> = { critical: 2, info: 1 };

/** One comparison. A missing or non-numeric field never meets a rule: missing data does not page anyone. */
export function holds(comparison: AlertComparison, result: unknown): boolean {
  const actual = resultValue(result, comparison.path);
  if (actual === undefined) return false;
  const expected = comparison.value;
  switch (comparison.op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      if (typeof actual !== 'number' || !Number.isFinite(actual) || typeof expected !== 'number') return false;
      if (comparison.op === '>=') return actual >= expected;
      if (comparison.op === '>') return actual > expected;
      if (comparison.op === '<=') return actual <= expected;
      return actual < expected;
    }
  }
}

/** The comparisons of a condition that held; null when the condition as a whole does not. */
export function conditionHolds(condition: AlertCondition, result: unknown): string[] | null {
  if ('any' in condition) {
    const met = condition.any.filter((c) => holds(c, result)).map((c) => c.source);
    return met.length ? met : null;
  }
  return condition.all.every((c) => holds(c, result)) ? condition.all.map((c) => c.source) : null;
}

/**
 * Evaluates the rules on a finished analysis. One analysis raises at most one alert: the team of the first
 * rule at the highest level met; other rules met for that team are listed with it.
 */
export function evaluateAlertRules(rules: readonly AlertRule[], analysisKind: string, result: unknown): AlertDecision | null {
  const met = rules
    .filter((rule) => rule.analysis === undefined || rule.analysis === analysisKind)
    .map((rule) => ({ rule, reasons: conditionHolds(rule.when, result) }))
    .filter((m): m is { rule: AlertRule; reasons: string[] } => m.reasons !== null);
  if (met.length === 0) return null;
  const top = met.reduce((best, m) => (LEVEL_RANK[m.rule.level] > LEVEL_RANK[best.rule.level] ? m : best));
  const sameTeam = met.filter((m) => m.rule.team === top.rule.team);
  return {
    level: top.rule.level,
    team: top.rule.team,
    rules: sameTeam.map((m) => m.rule.name),
    reasons: [...new Set(sameTeam.flatMap((m) => m.reasons))],
  };
}

/** The result fields the rules look at (for payloads of analyses other than perfusion). */
export function ruleFields(rules: readonly AlertRule[], analysisKind: string): string[][] {
  const seen = new Map<string, string[]>();
  for (const rule of rules) {
    if (rule.analysis !== undefined && rule.analysis !== analysisKind) continue;
    for (const c of 'any' in rule.when ? rule.when.any : rule.when.all) seen.set(c.path.join('.'), c.path);
  }
  return [...seen.values()];
}

/**
 * The alert of a stat analysis that failed or was refused: the team of the first rule at the highest level that
 * applies to its kind and keeps `onFailure` on, so that nobody waits for an alert that will not come.
 */
export function evaluateFailureRules(rules: readonly AlertRule[], analysisKind: string, reason: string): AlertDecision | null {
  const met = rules.filter((rule) => (rule.analysis === undefined || rule.analysis === analysisKind) && rule.onFailure !== false);
  if (met.length === 0) return null;
  const top = met.reduce((best, rule) => (LEVEL_RANK[rule.level] > LEVEL_RANK[best.level] ? rule : best));
  const sameTeam = met.filter((rule) => rule.team === top.team);
  return { level: top.level, team: top.team, rules: sameTeam.map((rule) => rule.name), reasons: [`could not be analysed: ${reason}`] };
}
