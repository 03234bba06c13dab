import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analysisIdentity, AnalysisRegistry } from '@nidus/analysis';
import { CTP_DEFAULT_ROUTES } from '@nidus/analyses/ctp';
import { DicomElements, generateUid, writePart10 } from '@nidus/dicom';
import type { AnalysisEntity, InstanceEntity, NewAnalysis, SeriesEntity } from '@nidus/persistence';
import { routingOnlyAnalysis, syntheticCtElements } from '@nidus/testing';
import { AnalysisCreator, analysisInputKey, CompletionIndex, SeriesCompletion } from './series-completion';

// Unit tests of the completion logic: the index and analysis repositories are in-memory stand-ins
// (libs/ingest/src/ingest-to-analysis.medium.spec.ts runs the real ones); the instance files are real. CT perfusion
// takes part with its real default routes.

interface Fixture {
  series: SeriesEntity;
  instances: InstanceEntity[];
}

/** a CT perfusion series of `slices` x `times` images, arriving time point after time point or slice after slice */
function perfusion(
  dir: string,
  slices: number,
  times: number,
  order: 'time-major' | 'slice-major',
  options: { announce?: boolean; description?: string } = {},
): Fixture {
  const StudyInstanceUID = generateUid();
  const SeriesInstanceUID = generateUid();
  const slots: [number, number][] = [];
  if (order === 'time-major') for (let t = 0; t < times; t++) for (let z = 0; z < slices; z++) slots.push([t, z]);
  else for (let z = 0; z < slices; z++) for (let t = 0; t < times; t++) slots.push([t, z]);
  const start = Date.now() - 60_000;
  const instances = slots.map(([t, z], k) => {
    const InstanceNumber = t * slices + z + 1;
    const elements: DicomElements = {
      ...syntheticCtElements(k, { rows: 8, columns: 8, StudyInstanceUID, SeriesInstanceUID, SeriesDescription: options.description ?? 'CTP perfusion' }),
      ImagePositionPatient: [-100, -100, z * 5],
      InstanceNumber,
      TemporalPositionIdentifier: t + 1,
      NumberOfTemporalPositions: options.announce === false ? undefined : times,
      AcquisitionTime: `1200${String(t).padStart(2, '0')}.000000`,
    };
    const path = `${elements.SOPInstanceUID}.dcm`;
    writeFileSync(join(dir, path), writePart10(elements));
    return {
      SOPInstanceUID: String(elements.SOPInstanceUID),
      SeriesInstanceUID,
      StudyInstanceUID,
      SOPClassUID: String(elements.SOPClassUID),
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      InstanceNumber,
      path,
      sizeBytes: 0,
      sha256: '',
      receivedAt: new Date(start + k * 10),
      callingAETitle: 'PACS',
    } as InstanceEntity;
  });
  const series = {
    SeriesInstanceUID,
    StudyInstanceUID,
    Modality: 'CT',
    SeriesDescription: options.description ?? 'CTP perfusion',
    BodyPartExamined: 'HEAD',
    SeriesNumber: 1,
    instanceCount: instances.length,
    expectedInstanceCount: null,
    state: 'receiving',
    callingAETitle: 'PACS',
    firstReceivedAt: instances[0].receivedAt,
    lastReceivedAt: instances[instances.length - 1].receivedAt,
  } as SeriesEntity;
  return { series, instances };
}

class MemoryIndex implements CompletionIndex {
  marked: string[] = [];
  constructor(private readonly fixture: Fixture) {}
  async findSeries() {
    return this.fixture.series;
  }
  async seriesInstances() {
    return this.fixture.instances;
  }
  async markSeriesComplete(uid: string, seen: number) {
    if (this.fixture.series.instanceCount !== seen || this.fixture.series.state === 'complete') return false;
    this.fixture.series.state = 'complete';
    this.marked.push(uid);
    return true;
  }
}

class MemoryAnalyses implements AnalysisCreator {
  created: NewAnalysis[] = [];
  failed: { id: string; error: string }[] = [];
  async markFailed(id: string, error: string) {
    this.failed.push({ id, error });
  }
  async createOnce(input: NewAnalysis) {
    const existing = this.created.find((a) => a.inputKey === input.inputKey);
    if (!existing) this.created.push(input);
    return { analysis: { id: `analysis-${this.created.indexOf(existing ?? input)}` } as AnalysisEntity, created: !existing };
  }
}

const ctp = routingOnlyAnalysis('ctp', CTP_DEFAULT_ROUTES, (s) => (s.timePoints > 1 ? { accepted: true } : { accepted: false, reason: 'one time point' }));

describe(SeriesCompletion.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-completion-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function handler(fixture: Fixture, now = Date.now(), extra: ReturnType<typeof routingOnlyAnalysis>[] = []) {
    const index = new MemoryIndex(fixture);
    const analyses = new MemoryAnalyses();
    const registry = new AnalysisRegistry([ctp, ...extra]);
    const h = new SeriesCompletion(index, analyses, {
      routes: registry.defaultRoutes(),
      analyses: registry,
      stableAfterSeconds: 10,
      instancePath: (p) => join(dir, p),
      now: () => now,
    });
    return { h, index, analyses };
  }

  it('completes a quiet perfusion series, routes it to ctp at stat priority, once', async () => {
    const fixture = perfusion(dir, 4, 12, 'slice-major', { announce: false });
    const { h, index, analyses } = handler(fixture, fixture.series.lastReceivedAt.getTime() + 10_000);
    const payload = { SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 48 };
    expect(await h.handle(payload)).toEqual({ 'analysis.run': [{ payload: { analysisId: 'analysis-0' }, priority: 'stat' }] });
    expect(index.marked).toEqual([fixture.series.SeriesInstanceUID]);
    expect(analyses.created).toEqual([
      expect.objectContaining({
        kind: 'ctp',
        priority: 'stat',
        instanceCount: 48,
        analysisVersion: '1',
        inputKey: analysisInputKey(
          analysisIdentity(ctp),
          fixture.instances.map((i) => i.SOPInstanceUID),
        ),
      }),
    ]);
    // the same job again (a retry, a second worker): nothing more
    expect(await h.handle(payload)).toEqual({});
    expect(analyses.created).toHaveLength(1);
  });

  it('waits while the series is not quiet, and does nothing for a check overtaken by later instances', async () => {
    const fixture = perfusion(dir, 4, 12, 'slice-major', { announce: false });
    const { h, index } = handler(fixture, fixture.series.lastReceivedAt.getTime() + 2_000);
    expect(await h.handle({ SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 48 })).toEqual({});
    expect(await h.handle({ SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 47 })).toEqual({});
    expect(index.marked).toEqual([]);
  });

  it('completes at once when the announced count is reached, or the perfusion grid is full in time order', async () => {
    const announced = perfusion(dir, 3, 10, 'slice-major', { announce: false });
    announced.series.expectedInstanceCount = 30;
    const a = handler(announced, announced.series.lastReceivedAt.getTime() + 100);
    expect(Object.keys(await a.h.handle({ SeriesInstanceUID: announced.series.SeriesInstanceUID, instanceCount: 30 }))).toEqual(['analysis.run']);

    const timeMajor = perfusion(dir, 3, 10, 'time-major');
    const t = handler(timeMajor, timeMajor.series.lastReceivedAt.getTime() + 100);
    expect(Object.keys(await t.h.handle({ SeriesInstanceUID: timeMajor.series.SeriesInstanceUID, instanceCount: 30 }))).toEqual(['analysis.run']);

    // slice by slice, a full grid so far proves nothing (more slices may follow): wait for the quiet period
    const sliceMajor = perfusion(dir, 3, 10, 'slice-major');
    const s = handler(sliceMajor, sliceMajor.series.lastReceivedAt.getTime() + 100);
    expect(await s.h.handle({ SeriesInstanceUID: sliceMajor.series.SeriesInstanceUID, instanceCount: 30 })).toEqual({});
  });

  it('completes a projection radiograph (DX, CR) with its image, with no quiet period', async () => {
    for (const [Modality, SOPClassUID] of [
      ['DX', '1.2.840.10008.5.1.4.1.1.1.1'],
      ['DX', '1.2.840.10008.5.1.4.1.1.1.1.1'],
      ['CR', '1.2.840.10008.5.1.4.1.1.1'],
    ]) {
      const fixture = perfusion(dir, 1, 1, 'time-major', { description: 'Chest PA' });
      fixture.series.Modality = Modality;
      fixture.instances[0].SOPClassUID = SOPClassUID;
      const ids = { StudyInstanceUID: fixture.series.StudyInstanceUID, SeriesInstanceUID: fixture.series.SeriesInstanceUID };
      const elements = { ...syntheticCtElements(0, { rows: 8, columns: 8, ...ids }), Modality, SOPClassUID, BodyPartExamined: 'CHEST' };
      writeFileSync(join(dir, fixture.instances[0].path), writePart10(elements));
      const cxr = routingOnlyAnalysis('cxr', [{ name: 'cxr', match: { Modality: ['DX', 'CR'] }, analysis: 'cxr', priority: 'routine' }]);
      const { h, index } = handler(fixture, fixture.series.lastReceivedAt.getTime() + 50, [cxr]);
      expect(await h.handle({ SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 1 })).toEqual({
        'analysis.run': [{ payload: { analysisId: 'analysis-0' }, priority: 'routine' }],
      });
      expect(index.marked).toEqual([fixture.series.SeriesInstanceUID]);
    }
    // a CT image of one slice still waits for its quiet period
    const ct = perfusion(dir, 1, 1, 'time-major', { description: 'Head' });
    const { h } = handler(ct, ct.series.lastReceivedAt.getTime() + 50);
    expect(await h.handle({ SeriesInstanceUID: ct.series.SeriesInstanceUID, instanceCount: 1 })).toEqual({});
  });

  it('stores an unmatched series and leaves it alone', async () => {
    const fixture = perfusion(dir, 2, 1, 'time-major', { description: 'Head routine' });
    const { h, index, analyses } = handler(fixture, fixture.series.lastReceivedAt.getTime() + 20_000);
    expect(await h.handle({ SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 2 })).toEqual({});
    expect(index.marked).toHaveLength(1);
    expect(analyses.created).toEqual([]);
  });

  it('keys analyses by the instance set and the analysis version: one more image, or a new version or model, is new input', () => {
    const model = (version: string, sha256 = 'a'.repeat(64)) => analysisIdentity({ id: 'm', version: '1', model: { id: 'm', version, sha256 } });
    expect(analysisInputKey('ctp@1', ['1.2', '1.3'])).toBe(analysisInputKey('ctp@1', ['1.3', '1.2']));
    expect(analysisInputKey('ctp@1', ['1.2', '1.3', '1.4'])).not.toBe(analysisInputKey('ctp@1', ['1.2', '1.3']));
    expect(analysisInputKey(model('2'), ['1.2'])).not.toBe(analysisInputKey(model('1'), ['1.2']));
    expect(analysisInputKey(model('1', 'b'.repeat(64)), ['1.2'])).not.toBe(analysisInputKey(model('1'), ['1.2']));
    expect(analysisInputKey(model('1'), ['1.2'])).toBe(analysisInputKey(model('1'), ['1.2']));
  });

  it('runs every analysis a matching route names, each once, and fails one that refuses the series with its reason', async () => {
    const fixture = perfusion(dir, 4, 12, 'slice-major', { announce: false });
    const everyCt = routingOnlyAnalysis('every-ct', [{ name: 'every-ct', match: { Modality: ['CT'] }, analysis: 'every-ct', priority: 'routine' }]);
    const picky = routingOnlyAnalysis('picky', [{ name: 'picky', match: { Modality: ['CT'] }, analysis: 'picky', priority: 'routine' }], () => ({
      accepted: false,
      reason: 'needs 100 slices',
    }));
    const { h, analyses } = handler(fixture, fixture.series.lastReceivedAt.getTime() + 10_000, [everyCt, picky]);
    const next = await h.handle({ SeriesInstanceUID: fixture.series.SeriesInstanceUID, instanceCount: 48 });
    expect(analyses.created.map((a) => [a.kind, a.priority])).toEqual([
      ['ctp', 'stat'],
      ['every-ct', 'routine'],
      ['picky', 'routine'],
    ]);
    expect(next['analysis.run']).toEqual([
      { payload: { analysisId: 'analysis-0' }, priority: 'stat' },
      { payload: { analysisId: 'analysis-1' }, priority: 'routine' },
    ]);
    expect(analyses.failed).toEqual([{ id: 'analysis-2', error: 'SeriesNotAcceptedError: needs 100 slices' }]);
  });
});
