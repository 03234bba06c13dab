import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../nidus-config';
import { alertsSectionSchema, parseAlertComparison } from './alerts.schema';

describe('alertsSectionSchema', () => {
  it('ships the stroke team rules (DEFUSE 3, EXTEND, Tmax > 6 s >= 15 mL) for CT perfusion and MR stroke, with no targets', () => {
    const section = alertsSectionSchema.parse({});
    expect(section.teams).toEqual([{ id: 'stroke', name: 'Stroke team', onCall: [] }]);
    expect(section.rules.map((r) => r.analysis)).toEqual(['ctp', 'mr-stroke']);
    for (const rule of section.rules) {
      expect(rule).toMatchObject({ level: 'critical', team: 'stroke' });
      expect('any' in rule.when && rule.when.any.map((c) => [c.path.join('.'), c.op, c.value])).toEqual([
        ['eligibility.defuse3', '==', true],
        ['eligibility.extend', '==', true],
        ['hypoperfusionVolumeMl', '>=', 15],
      ]);
    }
    expect(section.phi).toEqual({ accessionNumber: true, patientId: false, patientName: false, patientAge: true, patientSex: true });
    expect(loadConfig({}).alerts).toEqual(section);
  });

  it('reads a team with an on-call chain from a NIDUS_CONFIG file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nidus-alerts-config-'));
    const file = join(dir, 'nidus.yaml');
    writeFileSync(
      file,
      [
        'alerts:',
        '  publicBaseUrl: https://nidus.example.org',
        '  phi: { patientId: true, patientSex: false }',
        '  teams:',
        '    - id: neuro',
        '      onCall:',
        '        - { name: resident, url: "https://pager.example.org/a", secret: "0123456789abcdef", ackTimeoutSeconds: 60 }',
        '        - { name: attending, url: "https://pager.example.org/b", secret: "fedcba9876543210" }',
        '  rules:',
        '    - { name: big-core, analysis: ctp, when: "coreVolumeMl > 70", level: info, team: neuro }',
      ].join('\n'),
    );
    const alerts = loadConfig({ NIDUS_CONFIG: file }).alerts as ReturnType<typeof alertsSectionSchema.parse>;
    expect(alerts.teams[0].onCall.map((s) => [s.name, s.type, s.ackTimeoutSeconds])).toEqual([
      ['resident', 'webhook', 60],
      ['attending', 'webhook', 300],
    ]);
    expect(alerts.rules[0].when).toEqual({ all: [{ path: ['coreVolumeMl'], op: '>', value: 70, source: 'coreVolumeMl > 70' }] });
    expect(alerts.phi).toEqual({ accessionNumber: true, patientId: true, patientName: false, patientAge: true, patientSex: false });
  });

  it.each([
    [{ rules: [{ name: 'x', team: 'stroke', when: 'coreVolumeMl >= big' }] }, /^rules\.0\.when: cannot read 'coreVolumeMl >= big': '>=' needs a number/],
    [{ rules: [{ name: 'x', team: 'stroke', when: '>= 15' }] }, /^rules\.0\.when: /],
    [{ rules: [{ name: 'x', team: 'nobody', when: 'eligibility.extend' }] }, /^rules\.0\.team: no team 'nobody' in alerts\.teams$/],
    [
      { teams: [{ id: 'stroke', onCall: [{ name: 'r', url: 'https://x.example', secret: 'short' }] }] },
      /^teams\.0\.onCall\.0\.secret: a secret of at least 16 characters$/,
    ],
    [{ teams: [{ id: 'stroke' }, { id: 'stroke' }] }, /^teams\.1\.id: team 'stroke' is defined twice$/],
  ])('rejects a bad section with a message naming the setting: %j', (input, message) => {
    const parsed = alertsSectionSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = !parsed.success && parsed.error.issues[0];
    expect(issue && `${issue.path.join('.')}: ${issue.message}`).toMatch(message);
  });
});

describe(parseAlertComparison.name, () => {
  it.each([
    ['hypoperfusionVolumeMl >= 15', { path: ['hypoperfusionVolumeMl'], op: '>=', value: 15 }],
    ['mismatchRatio>1.8', { path: ['mismatchRatio'], op: '>', value: 1.8 }],
    ['affectedHemisphere == left', { path: ['affectedHemisphere'], op: '==', value: 'left' }],
    ["affectedHemisphere != 'right'", { path: ['affectedHemisphere'], op: '!=', value: 'right' }],
    ['eligibility.defuse3', { path: ['eligibility', 'defuse3'], op: '==', value: true }],
    ['eligibility.extend == false', { path: ['eligibility', 'extend'], op: '==', value: false }],
  ])('reads %s', (source, expected) => {
    expect(parseAlertComparison(source)).toMatchObject(expected);
  });

  it('explains what it cannot read', () => {
    expect(parseAlertComparison('a..b')).toMatch(/^cannot read 'a\.\.b'/);
    expect(parseAlertComparison('x < yes')).toMatch(/needs a number/);
  });
});
