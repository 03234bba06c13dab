import Ajv2020 from 'ajv/dist/2020';
import { Codes } from '@nidus/dicom';
import { ANALYSIS_RESULT_JSON_SCHEMA as schema } from './analysis-result-json-schema';
import { ANALYSIS_RESULT_SCHEMA, type AnalysisResult } from './analysis-result';

/** The JSON Schema of the repository and the TypeScript contract describe the same results. */
describe('analysis-result.schema.json', () => {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  const result: AnalysisResult = {
    schema: ANALYSIS_RESULT_SCHEMA,
    analysis: { id: 'demo', title: 'Demo', version: '1.0.0' },
    model: { id: 'demo', version: '1.0.0', sha256: 'a'.repeat(64) },
    source: { StudyInstanceUID: '1.2.840.1', series: [{ SeriesInstanceUID: '1.2.840.1.2', SeriesDescription: null, instances: 24 }] },
    findings: [{ key: 'hemorrhage', code: Codes.Infarct, present: true, probability: 0.9, site: Codes.Brain, laterality: 'left', segment: 1 }],
    measurements: [{ key: 'hemorrhage', quantity: 'volumeMl', code: Codes.Volume, value: 7.25, unit: Codes.Milliliter }],
    masks: [
      {
        number: 1,
        key: 'hemorrhage',
        label: 'Hemorrhage',
        category: Codes.MorphologicallyAlteredStructure,
        type: Codes.Infarct,
        colour: [255, 0, 0],
        voxels: 12,
        volumeMl: 7.25,
      },
    ],
    warnings: [],
    timings: { inference: 0.12 },
  };

  it('accepts a result in the contract, with fields of its own beside the common ones', () => {
    expect(validate({ ...result, coreVolumeMl: 12 })).toBe(true);
    expect(validate({ ...result, model: null, findings: [], measurements: [], masks: [] })).toBe(true);
  });

  it.each([
    ['a unit outside UCUM', { measurements: [{ ...result.measurements[0], unit: { ...Codes.Milliliter, CodingSchemeDesignator: 'SCT' } }] }],
    ['a code without meaning', { findings: [{ key: 'x', code: { CodeValue: '1', CodingSchemeDesignator: 'SCT' }, present: true }] }],
    ['a probability above 1', { findings: [{ ...result.findings[0], probability: 1.2 }] }],
    ['a model without checksum', { model: { id: 'demo', version: '1' } }],
    ['an invalid UID', { source: { StudyInstanceUID: '1.02.3', series: result.source.series } }],
    ['no schema tag', { schema: undefined }],
  ])('refuses %s', (_what, change) => {
    expect(validate({ ...result, ...change })).toBe(false);
  });
});
