// Matching Person Name values as a query asks (PS3.4 C.2.2.2.1 single value, C.2.2.2.4 wild cards; PS3.18 8.3.4.1),
// on match keys: each component group of the decoded name reduced by personNameMatchKey, so a name is found
// whatever character set it was sent in and however it is typed (case, diacritics, half-width katakana).
import { parsePersonName, personNameMatchKey, type PersonName } from './person-name';

export const PERSON_NAME_GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;
export type PersonNameGroup = (typeof PERSON_NAME_GROUPS)[number];

/** The match key of each component group of a decoded PN value; absent groups are left out. */
export function personNameGroupKeys(value: string): PersonName {
  const name = parsePersonName(value);
  const keys: PersonName = {};
  for (const group of PERSON_NAME_GROUPS) {
    const key = name[group] ? personNameMatchKey(name[group]!) : '';
    if (key) keys[group] = key;
  }
  return keys;
}

/**
 * One value of a PatientName query, in match-key form with its wild cards kept ('*' any run of characters, '?' one
 * character). A value without '=' matches a name when any of its groups matches; a value with '=' matches group by
 * group, an empty group or '*' asking nothing of that group.
 */
export interface PersonNameQuery {
  /** the pattern each group must match; a group absent here is not constrained */
  groups: Partial<Record<PersonNameGroup, string>>;
  /** true when the value named no group ('Trần*'): any group may match */
  anyGroup: boolean;
}

/** Undefined when the value asks nothing ('' or '*'). */
export function personNameQuery(value: string): PersonNameQuery | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || /^\*+$/.test(trimmed)) return undefined;
  if (!trimmed.includes('=')) return { groups: { Alphabetic: groupPattern(trimmed) }, anyGroup: true };
  const groups: PersonNameQuery['groups'] = {};
  trimmed.split('=').forEach((part, i) => {
    const pattern = groupPattern(part);
    if (i < PERSON_NAME_GROUPS.length && pattern !== '' && !/^\*+$/.test(pattern)) groups[PERSON_NAME_GROUPS[i]] = pattern;
  });
  return Object.keys(groups).length ? { groups, anyGroup: false } : undefined;
}

/** A group of the query as a key: trailing empty components dropped as parsePersonName does for stored names. */
function groupPattern(group: string): string {
  return personNameMatchKey(group.replace(/[\s^]+$/, ''));
}

/** Whether a match key matches a pattern of personNameQuery (the same rule the index applies in SQL). */
export function matchesKeyPattern(key: string, pattern: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'su').test(key);
}

/** Whether a decoded PN value matches a query value (in memory; the index does the same in SQL). */
export function personNameMatches(value: string, query: string): boolean {
  const q = personNameQuery(query);
  if (!q) return true;
  const keys = personNameGroupKeys(value);
  const entries = Object.entries(q.groups) as [PersonNameGroup, string][];
  if (q.anyGroup) return PERSON_NAME_GROUPS.some((g) => keys[g] !== undefined && matchesKeyPattern(keys[g]!, entries[0][1]));
  return entries.every(([g, pattern]) => keys[g] !== undefined && matchesKeyPattern(keys[g]!, pattern));
}
