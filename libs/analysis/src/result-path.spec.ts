import { Codes } from '@nidus/dicom';
import { resultValue } from './result-path';

describe(resultValue.name, () => {
  const result = {
    coreVolumeMl: 12.5,
    eligibility: { defuse3: true, extend: false },
    findings: [
      { key: 'hemorrhage', code: Codes.Infarct, present: true, probability: 0.93 },
      { key: 'edema', code: { ...Codes.Ischemia }, present: false },
    ],
    measurements: [
      { key: 'hemorrhage', quantity: 'volumeMl', code: Codes.Volume, value: 7.2, unit: Codes.Milliliter },
      { key: 'hemorrhage', quantity: 'largestDiameterMm', code: Codes.Volume, value: 31, unit: Codes.Milliliter },
    ],
  };
  const at = (path: string) => resultValue(result, path.split('.'));

  it('reads object fields by name', () => {
    expect(at('coreVolumeMl')).toBe(12.5);
    expect(at('eligibility.defuse3')).toBe(true);
    expect(at('eligibility.extend')).toBe(false);
  });

  it("reads the common result's arrays by key or code, and a measurement by its quantity", () => {
    expect(at('findings.hemorrhage.present')).toBe(true);
    expect(at('findings.hemorrhage.probability')).toBe(0.93);
    expect(at(`findings.${Codes.Ischemia.CodeValue}.present`)).toBe(false);
    expect(at('measurements.hemorrhage.volumeMl')).toBe(7.2);
    expect(at('measurements.hemorrhage.largestDiameterMm')).toBe(31);
  });

  it('is undefined where a step is missing, so missing data never meets a rule', () => {
    expect(at('coreVolumeMl.value')).toBeUndefined();
    expect(at('findings.fracture.present')).toBeUndefined();
    expect(at('measurements.hemorrhage.areaMm2')).toBeUndefined();
    expect(at('eligibility.toString')).toBeUndefined();
    expect(resultValue(null, ['x'])).toBeUndefined();
  });
});
