import type { AnalysisEntity, SeriesEntity } from '@nidus/persistence';
import { filterWorklist, latestRuns, orderWorklist, studyStatus, WorklistRow } from './worklist';

const row = (over: Partial<WorklistRow>): WorklistRow => ({
  StudyInstanceUID: '1',
  PatientName: 'Doe^Jane',
  PatientID: 'P1',
  AccessionNumber: 'A1',
  StudyDate: '20260101',
  StudyDescription: 'CT head',
  modalities: ['CT'],
  lastReceivedAt: '2026-01-01T10:00:00.000Z',
  status: 'done',
  reason: null,
  stat: false,
  reviewed: false,
  analyses: [],
  ...over,
});

const analysis = (over: Partial<AnalysisEntity>): AnalysisEntity =>
  ({ id: 'a', SeriesInstanceUID: 's', kind: 'ctp', status: 'succeeded', error: null, priority: 'stat', queuedAt: new Date(0), ...over }) as AnalysisEntity;

describe('worklist', () => {
  it('puts stat studies first, then the newest', () => {
    const rows = [
      row({ StudyInstanceUID: 'old-routine', lastReceivedAt: '2026-01-01T08:00:00.000Z' }),
      row({ StudyInstanceUID: 'new-routine', lastReceivedAt: '2026-01-01T12:00:00.000Z' }),
      row({ StudyInstanceUID: 'old-stat', stat: true, lastReceivedAt: '2026-01-01T07:00:00.000Z' }),
      row({ StudyInstanceUID: 'new-stat', stat: true, lastReceivedAt: '2026-01-01T11:00:00.000Z' }),
    ];
    expect(orderWorklist(rows).map((r) => r.StudyInstanceUID)).toEqual(['new-stat', 'old-stat', 'new-routine', 'old-routine']);
  });

  it('filters by status, modality, reviewed, stat and text', () => {
    const rows = [
      row({ StudyInstanceUID: 'a', status: 'failed', modalities: ['CT'], reviewed: true }),
      row({ StudyInstanceUID: 'b', status: 'done', modalities: ['MR'], PatientName: 'Roe^Richard', stat: true }),
    ];
    const uids = (f: Parameters<typeof filterWorklist>[1]) => filterWorklist(rows, f).map((r) => r.StudyInstanceUID);
    expect(uids({ status: 'failed' })).toEqual(['a']);
    expect(uids({ modality: 'mr' })).toEqual(['b']);
    expect(uids({ reviewed: false })).toEqual(['b']);
    expect(uids({ stat: true })).toEqual(['b']);
    expect(uids({ text: 'roe' })).toEqual(['b']);
    expect(uids({})).toEqual(['a', 'b']);
  });

  it('says receiving while a series is, else running, queued, failed with the reason, or done', () => {
    const receiving = [{ state: 'receiving' }] as SeriesEntity[];
    const complete = [{ state: 'complete' }] as SeriesEntity[];
    expect(studyStatus(receiving, [analysis({ status: 'succeeded' })])).toEqual({ status: 'receiving', reason: null });
    expect(studyStatus(complete, [analysis({ status: 'queued' }), analysis({ status: 'running' })]).status).toBe('running');
    expect(studyStatus(complete, [analysis({ status: 'queued' })]).status).toBe('queued');
    expect(studyStatus(complete, [analysis({ status: 'failed', error: 'AnalysisInputError: 3 time points' })])).toEqual({
      status: 'failed',
      reason: 'AnalysisInputError: 3 time points',
    });
    expect(studyStatus(complete, [])).toEqual({ status: 'done', reason: null });
  });

  it('keeps the newest run of each analysis of each series', () => {
    const runs = [
      analysis({ id: 'first', queuedAt: new Date(1) }),
      analysis({ id: 'rerun', queuedAt: new Date(5) }),
      analysis({ id: 'model', kind: 'demo', queuedAt: new Date(2) }),
    ];
    expect(
      latestRuns(runs)
        .map((a) => a.id)
        .sort(),
    ).toEqual(['model', 'rerun']);
  });
});
