import { DEFAULT_ROUTES, Route, routeSchema } from '@nidus/config';
import { routeSeries, stableAfterSeconds } from './routing';
import type { SeriesSummary } from './series-summary';

const ctp: SeriesSummary = {
  StudyInstanceUID: '1.2',
  SeriesInstanceUID: '1.2.3',
  Modality: 'CT',
  BodyPartExamined: 'HEAD',
  SeriesDescription: 'Perfusion 4D 5mm',
  SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
  ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
  instanceCount: 640,
  slices: 16,
  timePoints: 40,
  callingAETitle: 'PACS',
};

const route = (r: unknown): Route => routeSchema.parse(r);

describe(routeSeries.name, () => {
  it('sends a CT head perfusion series to ctp at stat priority by the default rule, and leaves a plain CT alone', () => {
    expect(routeSeries(ctp, DEFAULT_ROUTES)).toMatchObject({ analysis: 'ctp', priority: 'stat' });
    expect(routeSeries({ ...ctp, timePoints: 1, instanceCount: 16, SeriesDescription: 'Head 5mm' }, DEFAULT_ROUTES)).toBeUndefined();
    expect(routeSeries({ ...ctp, Modality: 'MR' }, DEFAULT_ROUTES)).toBeUndefined();
  });

  it('matches every criterion, case-insensitively where DICOM compares so, and the first matching rule wins', () => {
    const rules = [
      route({ name: 'ae', match: { callingAETitle: ['OTHER'] }, analysis: 'a' }),
      route({ name: 'cxr', match: { Modality: ['DX', 'CR'], BodyPartExamined: ['chest'] }, analysis: 'cxr-findings' }),
      route({ name: 'mpr', match: { Modality: ['CT'], ImageType: ['DERIVED', 'MPR'] }, analysis: 'mpr-model' }),
      route({ name: 'thin', match: { Modality: ['CT'], minSlices: 100, SOPClassUID: ['1.2.840.10008.5.1.4.1.1.2'] }, analysis: 'thin-model' }),
      route({ name: 'any-ct', match: { Modality: ['CT'], SeriesDescription: '^head' }, analysis: 'head-model', priority: 'routine' }),
    ];
    expect(routeSeries({ ...ctp, Modality: 'CR', BodyPartExamined: 'CHEST' }, rules)?.name).toBe('cxr');
    expect(routeSeries({ ...ctp, ImageType: ['DERIVED', 'SECONDARY', 'MPR'] }, rules)?.name).toBe('mpr');
    expect(routeSeries({ ...ctp, ImageType: ['DERIVED'] }, rules)).toBeUndefined();
    expect(routeSeries({ ...ctp, slices: 200 }, rules)?.name).toBe('thin');
    expect(routeSeries({ ...ctp, SeriesDescription: 'HEAD routine' }, rules)?.name).toBe('any-ct');
    expect(routeSeries({ ...ctp, callingAETitle: 'OTHER' }, rules)?.name).toBe('ae');
  });

  it('treats an invalid SeriesDescription pattern as matching nothing', () => {
    expect(routeSeries(ctp, [route({ name: 'bad', match: { SeriesDescription: '([' }, analysis: 'x' })])).toBeUndefined();
  });

  it('takes the quiet period from the first rule the header could match, else the default', () => {
    const rules = [route({ name: 'fast', match: { Modality: ['CT'], SeriesDescription: 'perf' }, analysis: 'ctp', stableAfterSeconds: 3 })];
    expect(stableAfterSeconds(ctp, rules, 10)).toBe(3);
    expect(stableAfterSeconds({ ...ctp, SeriesDescription: 'other' }, rules, 10)).toBe(10);
  });
});
