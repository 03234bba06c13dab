import { alertsSectionSchema } from '@nidus/config';
import { evaluateAlertRules, ruleFields, valueAt } from './alert-rules';

function perfusion(overrides: Partial<{ core: number; hypo: number; defuse3: boolean; extend: boolean }> = {}) {
  const core = overrides.core ?? 8;
  const hypo = overrides.hypo ?? 10;
  return {
    coreVolumeMl: core,
    hypoperfusionVolumeMl: hypo,
    tmax10VolumeMl: hypo / 3,
    mismatchVolumeMl: hypo - core,
    mismatchRatio: core > 0 ? hypo / core : null,
    hypoperfusionIntensityRatio: hypo > 0 ? 1 / 3 : null,
    affectedHemisphere: hypo > 0 ? 'left' : null,
    eligibility: { defuse3: overrides.defuse3 ?? false, extend: overrides.extend ?? false },
    warnings: [],
  };
}

describe(evaluateAlertRules.name, () => {
  const defaults = alertsSectionSchema.parse({}).rules;

  it('raises nothing for a healthy perfusion result', () => {
    expect(evaluateAlertRules(defaults, 'ctp', perfusion({ core: 0, hypo: 0 }))).toBeNull();
    expect(evaluateAlertRules(defaults, 'ctp', perfusion({ core: 3, hypo: 14.9 }))).toBeNull();
  });

  it('pages the stroke team on DEFUSE 3 or EXTEND eligibility, or Tmax > 6 s of 15 mL or more', () => {
    expect(evaluateAlertRules(defaults, 'ctp', perfusion({ core: 10, hypo: 40, defuse3: true, extend: true }))).toEqual({
      level: 'critical',
      team: 'stroke',
      rules: ['stroke-treatable-perfusion'],
      reasons: ['eligibility.defuse3', 'eligibility.extend', 'hypoperfusionVolumeMl >= 15'],
    });
    expect(evaluateAlertRules(defaults, 'ctp', perfusion({ core: 2, hypo: 12, extend: true }))?.reasons).toEqual(['eligibility.extend']);
    expect(evaluateAlertRules(defaults, 'ctp', perfusion({ core: 80, hypo: 15 }))?.reasons).toEqual(['hypoperfusionVolumeMl >= 15']);
  });

  it('applies a rule only to its analysis kind, and never on missing or non-numeric fields', () => {
    expect(evaluateAlertRules(defaults, 'cxr-findings', perfusion({ hypo: 90, defuse3: true }))).toBeNull();
    expect(evaluateAlertRules(defaults, 'ctp', {})).toBeNull();
    expect(evaluateAlertRules(defaults, 'ctp', { hypoperfusionVolumeMl: Number.NaN, eligibility: { defuse3: 'yes' } })).toBeNull();
    expect(evaluateAlertRules(defaults, 'ctp', { hypoperfusionVolumeMl: '40' })).toBeNull();
  });

  it('chooses the highest level, then the first rule, and lists that team’s rules', () => {
    const { rules } = alertsSectionSchema.parse({
      teams: [{ id: 'radiology' }, { id: 'stroke' }],
      rules: [
        { name: 'any-core', team: 'radiology', level: 'info', when: 'coreVolumeMl > 0' },
        { name: 'large-core', team: 'stroke', level: 'critical', when: { all: ['coreVolumeMl >= 70', "affectedHemisphere == 'left'"] } },
        { name: 'left', team: 'stroke', level: 'info', when: 'affectedHemisphere == left' },
      ],
    });
    expect(evaluateAlertRules(rules, 'ctp', perfusion({ core: 75, hypo: 100 }))).toEqual({
      level: 'critical',
      team: 'stroke',
      rules: ['large-core', 'left'],
      reasons: ['coreVolumeMl >= 70', "affectedHemisphere == 'left'", 'affectedHemisphere == left'],
    });
    expect(evaluateAlertRules(rules, 'ctp', perfusion({ core: 20, hypo: 30 }))).toMatchObject({ level: 'info', team: 'radiology', rules: ['any-core'] });
    expect(ruleFields(rules, 'ctp')).toEqual([['coreVolumeMl'], ['affectedHemisphere']]);
  });
});

describe(valueAt.name, () => {
  it('follows dotted paths and stops at anything missing', () => {
    expect(valueAt({ a: { b: 0 } }, ['a', 'b'])).toBe(0);
    expect(valueAt({ a: null }, ['a', 'b'])).toBeUndefined();
    expect(valueAt({ a: {} }, ['a', 'toString'])).toBeUndefined();
  });
});
