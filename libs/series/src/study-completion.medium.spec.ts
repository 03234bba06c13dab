import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { openAnalyses } from '@nidus/analyses';
import type { Route } from '@nidus/config';
import { readHeader } from '@nidus/imaging';
import type { AnalysisEntity, InstanceEntity, NewAnalysis, SeriesEntity } from '@nidus/persistence';
import { generateMrStrokePhantom, writeMrStudy, type WrittenMrStudy } from '@nidus/testing';
import { jobId } from '@nidus/jobs';
import { StudyCompletion, studyChecks } from './study-completion';

const ROOT = resolve(__dirname, '../../..');

/** The index and the analysis table in memory (StudyIndexRepository and AnalysisRepository have their own medium tests). */
class MemoryIndex {
  series: SeriesEntity[] = [];
  instances = new Map<string, InstanceEntity[]>();
  created: NewAnalysis[] = [];
  async studySeries(StudyInstanceUID: string) {
    return this.series.filter((s) => s.StudyInstanceUID === StudyInstanceUID);
  }
  async seriesInstances(SeriesInstanceUID: string) {
    return this.instances.get(SeriesInstanceUID) ?? [];
  }
  async createOnce(input: NewAnalysis) {
    const existing = this.created.findIndex((c) => c.inputKey === input.inputKey);
    if (existing < 0) this.created.push(input);
    return { analysis: { id: `run-${existing < 0 ? this.created.length : existing + 1}` } as AnalysisEntity, created: existing < 0 };
  }
  add(dir: string, uid: string, paths: string[], state: 'complete' | 'receiving') {
    const first = readHeader(paths[0]);
    this.series.push({
      SeriesInstanceUID: uid,
      StudyInstanceUID: first.string('StudyInstanceUID')!,
      Modality: 'MR',
      SeriesDescription: first.string('SeriesDescription') ?? null,
      SeriesNumber: first.number('SeriesNumber') ?? null,
      instanceCount: paths.length,
      state,
    } as SeriesEntity);
    this.instances.set(
      uid,
      paths.map((p, i) => ({ SOPInstanceUID: readHeader(p).string('SOPInstanceUID')!, path: relative(dir, p), InstanceNumber: i + 1 }) as InstanceEntity),
    );
  }
}

describe(StudyCompletion.name, () => {
  const installed = openAnalyses({ nidusVersion: '0.0.0-test', modelsDir: join(ROOT, 'models') });
  const analysis = installed.registry.get('mr-stroke');
  let dir: string;
  let study: WrittenMrStudy;
  const ROUTES: Route[] = [{ name: 'mr', match: { Modality: ['MR'] }, analysis: 'mr-stroke', priority: 'stat' }];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nidus-study-completion-'));
    const p = generateMrStrokePhantom({ seed: 901, lesion: { side: 'left' }, slices: 3, dsc: { columns: 48, timePoints: 12 }, dwi: { columns: 48 } });
    study = writeMrStudy(p, dir, { bValues: 'ge' });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await installed.close();
  });

  const completion = (index: MemoryIndex, routes = ROUTES) =>
    new StudyCompletion(index, index, { routes, instancePath: (p) => join(dir, p), analyses: installed.registry });
  const check = (deadline: boolean) => ({
    StudyInstanceUID: study.StudyInstanceUID,
    analysis: 'mr-stroke',
    deadline,
    SeriesInstanceUID: study.dsc!.SeriesInstanceUID,
  });

  it('waits for the DSC series while it is missing, and runs on the diffusion alone once the wait is over', async () => {
    const index = new MemoryIndex();
    index.add(dir, study.diffusion![0].SeriesInstanceUID, study.diffusion![0].paths, 'complete');
    index.add(dir, study.dsc!.SeriesInstanceUID, study.dsc!.paths, 'receiving');
    expect(await completion(index).handle(check(false))).toEqual({});
    const late = await completion(index).handle(check(true));
    expect(late['analysis.run']).toHaveLength(1);
    expect(index.created[0]).toMatchObject({
      kind: 'mr-stroke',
      SeriesInstanceUID: study.diffusion![0].SeriesInstanceUID,
      priority: 'stat',
      instanceCount: study.diffusion![0].paths.length,
      inputSeries: [{ SeriesInstanceUID: study.diffusion![0].SeriesInstanceUID, role: 'diffusion' }],
    });
  });

  it('runs at once when diffusion and perfusion are complete, once for the same images, again when one is added', async () => {
    const index = new MemoryIndex();
    index.add(dir, study.diffusion![0].SeriesInstanceUID, study.diffusion![0].paths, 'complete');
    index.add(dir, study.dsc!.SeriesInstanceUID, study.dsc!.paths.slice(0, -3), 'complete');
    expect((await completion(index).handle(check(false)))['analysis.run']).toHaveLength(1);
    expect(index.created[0].inputSeries!.map((s) => s.role).sort()).toEqual(['diffusion', 'perfusion']);
    expect(await completion(index).handle(check(true))).toEqual({});
    index.series = [];
    index.add(dir, study.diffusion![0].SeriesInstanceUID, study.diffusion![0].paths, 'complete');
    index.add(dir, study.dsc!.SeriesInstanceUID, study.dsc!.paths, 'complete');
    expect((await completion(index).handle(check(false)))['analysis.run']).toHaveLength(1);
    expect(index.created).toHaveLength(2);
  });

  it('does nothing without diffusion, even at the deadline, and leaves out series no route sends it', async () => {
    const index = new MemoryIndex();
    index.add(dir, study.dsc!.SeriesInstanceUID, study.dsc!.paths, 'complete');
    expect(await completion(index).handle(check(true))).toEqual({});
    index.add(dir, study.diffusion![0].SeriesInstanceUID, study.diffusion![0].paths, 'complete');
    const dscOnlyRoute: Route[] = [{ name: 'dsc', match: { Modality: ['MR'], SeriesDescription: 'perf' }, analysis: 'mr-stroke', priority: 'routine' }];
    expect(await completion(index, dscOnlyRoute).handle(check(true))).toEqual({});
    expect(index.created).toHaveLength(0);
  });

  it("takes a route's role over the one recognised from the headers", async () => {
    const index = new MemoryIndex();
    index.add(dir, study.diffusion![0].SeriesInstanceUID, study.diffusion![0].paths, 'complete');
    index.add(dir, study.dsc!.SeriesInstanceUID, study.dsc!.paths, 'complete');
    const routes: Route[] = [
      { name: 'diffusion-as-adc', match: { Modality: ['MR'], SeriesDescription: 'diff' }, analysis: 'mr-stroke', priority: 'stat', role: 'adc' },
      ...ROUTES,
    ];
    await completion(index, routes).handle(check(false));
    expect(index.created[0].inputSeries!.find((s) => s.SeriesInstanceUID === study.diffusion![0].SeriesInstanceUID)!.role).toBe('adc');
  });

  it('asks for a check now and one when the wait is over (the route may set the wait), its own job for each series', () => {
    const of = (SeriesInstanceUID: string, waitSeconds?: number) =>
      studyChecks({ StudyInstanceUID: study.StudyInstanceUID, SeriesInstanceUID }, analysis, 'stat', waitSeconds);
    const checks = of(study.dsc!.SeriesInstanceUID);
    expect(checks.map((c) => [c.payload.deadline, c.delayMs ?? 0])).toEqual([
      [false, 0],
      [true, analysis.study!.waitSeconds * 1000],
    ]);
    expect(of(study.dsc!.SeriesInstanceUID, 3)[1].delayMs).toBe(3000);
    // job ids derive from payloads: the checks of two series' completions are two jobs
    const ids = [...checks, ...of(study.diffusion![0].SeriesInstanceUID)].map((c) => jobId('study.check-complete', c.payload));
    expect(new Set(ids).size).toBe(4);
  });
});
