import type { SeriesSummary } from '@nidus/analysis';
import { CTP_DEFAULT_ROUTES } from '@nidus/analyses/ctp';
import { Route, routeSchema } from '@nidus/config';
import { routesFor, stableAfterSeconds } from './routing';

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

/** The one route a series takes among rules naming different analyses (undefined: none). */
const routeSeries = (series: SeriesSummary, rules: Route[]) => {
  const taken = routesFor(series, rules);
  expect(taken.length).toBeLessThanOrEqual(1);
  return taken[0];
};

describe(routesFor.name, () => {
  it("sends a CT head perfusion series to ctp at stat priority by CT perfusion's default route, and leaves a plain CT alone", () => {
    expect(routeSeries(ctp, CTP_DEFAULT_ROUTES)).toMatchObject({ analysis: 'ctp', priority: 'stat' });
    expect(routeSeries({ ...ctp, timePoints: 1, instanceCount: 16, SeriesDescription: 'Head 5mm' }, CTP_DEFAULT_ROUTES)).toBeUndefined();
    expect(routeSeries({ ...ctp, Modality: 'MR' }, CTP_DEFAULT_ROUTES)).toBeUndefined();
  });

  it('runs each analysis once, with the priority of the first route naming it that matches, in configuration order', () => {
    const rules = [
      route({ name: 'ctp-stat', match: { Modality: ['CT'], minTimePoints: 10 }, analysis: 'ctp', priority: 'stat' }),
      route({ name: 'ctp-any', match: { Modality: ['CT'] }, analysis: 'ctp', priority: 'routine' }),
      route({ name: 'head', match: { BodyPartExamined: ['HEAD'] }, analysis: 'head-model' }),
      route({ name: 'chest', match: { BodyPartExamined: ['CHEST'] }, analysis: 'chest-model' }),
    ];
    expect(routesFor(ctp, rules).map((r) => [r.name, r.priority])).toEqual([
      ['ctp-stat', 'stat'],
      ['head', 'routine'],
    ]);
    expect(routesFor({ ...ctp, timePoints: 1 }, rules).map((r) => r.name)).toEqual(['ctp-any', 'head']);
  });

  it('matches every criterion, case-insensitively where DICOM compares so', () => {
    const one = (series: SeriesSummary, rules: Route[]) => routesFor(series, rules)[0];
    const rules = [
      route({ name: 'ae', match: { callingAETitle: ['OTHER'] }, analysis: 'a' }),
      route({ name: 'cxr', match: { Modality: ['DX', 'CR'], BodyPartExamined: ['chest'] }, analysis: 'cxr-findings' }),
      route({ name: 'mpr', match: { Modality: ['CT'], ImageType: ['DERIVED', 'MPR'] }, analysis: 'mpr-model' }),
      route({ name: 'thin', match: { Modality: ['CT'], minSlices: 100, SOPClassUID: ['1.2.840.10008.5.1.4.1.1.2'] }, analysis: 'thin-model' }),
      route({ name: 'any-ct', match: { Modality: ['CT'], SeriesDescription: '^head' }, analysis: 'head-model', priority: 'routine' }),
    ];
    expect(one({ ...ctp, Modality: 'CR', BodyPartExamined: 'CHEST' }, rules)?.name).toBe('cxr');
    expect(one({ ...ctp, ImageType: ['DERIVED', 'SECONDARY', 'MPR'] }, rules)?.name).toBe('mpr');
    expect(one({ ...ctp, ImageType: ['DERIVED'] }, rules)).toBeUndefined();
    expect(one({ ...ctp, slices: 200 }, rules)?.name).toBe('thin');
    expect(one({ ...ctp, SeriesDescription: 'HEAD routine' }, rules)?.name).toBe('any-ct');
    expect(one({ ...ctp, callingAETitle: 'OTHER' }, rules)?.name).toBe('ae');
  });

  it('bounds slices and time points from above too: a findings model route takes no 4D series', () => {
    const model = route({ name: 'ct-model', match: { Modality: ['CT'], minSlices: 5, maxSlices: 64, maxTimePoints: 1 }, analysis: 'ct-model' });
    const plain = { ...ctp, timePoints: 1, instanceCount: 16 };
    expect(routeSeries(plain, [model])?.name).toBe('ct-model');
    expect(routeSeries(ctp, [model])).toBeUndefined();
    expect(routeSeries({ ...plain, slices: 65, instanceCount: 65 }, [model])).toBeUndefined();
    expect(routeSeries({ ...plain, slices: 4, instanceCount: 4 }, [model])).toBeUndefined();
  });

  it('several models on one series, each once; configured routes override the defaults, leave a model off, raise its priority', () => {
    const head = { ...ctp, timePoints: 1, instanceCount: 24, slices: 24, SeriesDescription: 'Head 5mm' };
    const defaults = [
      route({ name: 'hem (appliesTo)', match: { Modality: ['CT'], BodyPartExamined: ['HEAD'], maxTimePoints: 1 }, analysis: 'hemorrhage' }),
      route({ name: 'frac (appliesTo)', match: { Modality: ['CT'], maxTimePoints: 1 }, analysis: 'fracture' }),
    ];
    expect(routesFor(head, defaults).map((r) => [r.analysis, r.priority])).toEqual([
      ['hemorrhage', 'routine'],
      ['fracture', 'routine'],
    ]);
    // NIDUS_CONFIG's routes replace the defaults: hemorrhage at stat, fracture left out (off)
    const configured = [route({ name: 'hem-stat', match: { Modality: ['CT'], BodyPartExamined: ['HEAD'] }, analysis: 'hemorrhage', priority: 'stat' })];
    expect(routesFor(head, configured).map((r) => [r.analysis, r.priority])).toEqual([['hemorrhage', 'stat']]);
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
