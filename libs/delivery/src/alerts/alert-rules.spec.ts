import { alertsSectionSchema } from '@nidus/config';
import { evaluateAlertRules, evaluateFailureRules, ruleFields } from './alert-rules';

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

describe('rules on the common result of any analysis', () => {
  const result = {
    findings: [
      { key: 'hemorrhage', code: { CodeValue: '50960005', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Hemorrhage' }, present: true, probability: 0.91 },
    ],
    measurements: [
      {
        key: 'hemorrhage',
        quantity: 'volumeMl',
        code: { CodeValue: '118565006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Volume' },
        value: 7.5,
        unit: { CodeValue: 'mL', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'milliliter' },
      },
    ],
  };
  const rule = (name: string, when: unknown) => ({ name, analysis: 'ct-bleed', level: 'critical' as const, team: 'neuro', when });
  const rules = alertsSectionSchema.parse({
    rules: [
      rule('bleed-5ml', { all: ['findings.hemorrhage.present', 'measurements.hemorrhage.volumeMl >= 5'] }),
      rule('bleed-by-code', 'findings.50960005.probability > 0.9'),
    ],
    teams: [{ id: 'neuro', onCall: [] }],
  }).rules;

  it('reads findings and measurements by key or code', () => {
    expect(evaluateAlertRules(rules, 'ct-bleed', result)).toMatchObject({ rules: ['bleed-5ml', 'bleed-by-code'] });
    const small = { ...result, measurements: [{ ...result.measurements[0], value: 4.9 }] };
    expect(evaluateAlertRules(rules, 'ct-bleed', small)).toMatchObject({ rules: ['bleed-by-code'] });
    const none = { findings: [{ ...result.findings[0], present: false, probability: 0.2 }], measurements: [] };
    expect(evaluateAlertRules(rules, 'ct-bleed', none)).toBeNull();
    expect(evaluateAlertRules(rules, 'another-model', result)).toBeNull();
  });
});

describe(evaluateFailureRules.name, () => {
  it('pages the team of the default stroke rule when a perfusion analysis could not be analysed, with the reason', () => {
    const defaults = alertsSectionSchema.parse({}).rules;
    expect(defaults.every((r) => r.onFailure)).toBe(true);
    expect(evaluateFailureRules(defaults, 'ctp', 'ExcessiveMotionError: too much head motion')).toEqual({
      level: 'critical',
      team: 'stroke',
      rules: ['stroke-treatable-perfusion'],
      reasons: ['could not be analysed: ExcessiveMotionError: too much head motion'],
    });
    expect(evaluateFailureRules(defaults, 'cxr-findings', 'x')).toBeNull();
  });

  it('leaves out rules with onFailure false, and takes the highest level of the rest', () => {
    const rules = alertsSectionSchema.parse({
      rules: [
        { name: 'quiet', analysis: 'ctp', team: 'research', level: 'critical', when: 'coreVolumeMl > 70', onFailure: false },
        { name: 'info-any', team: 'radiology', level: 'info', when: 'coreVolumeMl > 0' },
        { name: 'stroke', analysis: 'ctp', team: 'stroke', level: 'critical', when: 'eligibility.defuse3' },
      ],
      teams: [{ id: 'research' }, { id: 'radiology' }, { id: 'stroke' }],
    }).rules;
    expect(evaluateFailureRules(rules, 'ctp', 'NoArterialInputError: no contrast bolus')).toMatchObject({
      level: 'critical',
      team: 'stroke',
      rules: ['stroke'],
    });
    expect(evaluateFailureRules(rules.slice(0, 1), 'ctp', 'x')).toBeNull();
  });
});
