import type { ModelResult } from '@nidus/inference';
import { mergeImageRuns } from './merge-image-runs';

const code = { scheme: 'DCM' as const, value: '112001', meaning: 'Opacity' };
const timings = { decodeMs: 1, preprocessMs: 2, inferenceMs: 3, postprocessMs: 4, overheadCpuMs: 5 };
const geometry = (uid: string) => ({ rows: 2, columns: 2, slices: 1, SOPInstanceUIDs: [uid] });
/** the image's stored values, told apart by the last part of its UID */
const storedSlices = (uid: string) => [new Float32Array(4).fill(Number(uid.split('.').pop()))];

function classified(uid: string, probability: number): ModelResult {
  return { task: 'classification', findings: [{ key: 'opacity', code, probability, threshold: 0.5, present: probability >= 0.5 }], modelId: 'm', version: '1', geometry: geometry(uid), storedSlices: storedSlices(uid), timings };
}

function segmented(uid: string, mask: number[], maxProbability: number | null): ModelResult {
  const voxels = mask.reduce((a, b) => a + b, 0);
  return {
    task: 'segmentation',
    segments: [
      { key: 'spot', index: 1, code, category: code, colour: [1, 2, 3], mask: Uint8Array.from(mask), voxels, present: voxels > 0, components: voxels ? 1 : 0, maxProbability, largestDiameterMm: voxels },
    ],
    modelId: 'm',
    version: '1',
    geometry: geometry(uid),
    storedSlices: storedSlices(uid),
    timings,
  };
}

describe(mergeImageRuns.name, () => {
  it('a label is as probable as on its most probable image, present if any image has it, each image kept in order', () => {
    const merged = mergeImageRuns([classified('1.1', 0.2), classified('1.2', 0.7), classified('1.3', 0.4)]);
    expect(merged.task === 'classification' && merged.findings[0]).toMatchObject({ probability: 0.7, present: true, perSlice: [0.2, 0.7, 0.4] });
    expect(merged.geometry).toMatchObject({ slices: 3, SOPInstanceUIDs: ['1.1', '1.2', '1.3'] });
    expect(merged.storedSlices.map((s) => s[0])).toEqual([1, 2, 3]);
    expect(merged.timings).toEqual({ decodeMs: 3, preprocessMs: 6, inferenceMs: 9, postprocessMs: 12, overheadCpuMs: 15 });
    const none = mergeImageRuns([classified('1.1', 0.2), classified('1.2', 0.3)]);
    expect(none.task === 'classification' && none.findings[0].present).toBe(false);
  });

  it("stacks the images' masks in order, summing voxels and components, with the highest probability and diameter", () => {
    const merged = mergeImageRuns([segmented('1.1', [0, 0, 0, 0], null), segmented('1.2', [1, 1, 0, 1], 0.9), segmented('1.3', [0, 1, 0, 0], 0.6)]);
    expect(merged.task).toBe('segmentation');
    const [s] = merged.task === 'segmentation' ? merged.segments : [];
    expect([...s.mask]).toEqual([0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0]);
    expect(s).toMatchObject({ voxels: 4, components: 2, present: true, maxProbability: 0.9, largestDiameterMm: 3 });
  });

  it('refuses to stack masks of images of different sizes', () => {
    const other = segmented('1.2', [1, 1, 1, 1, 1, 1], 0.9);
    other.geometry = { ...other.geometry, rows: 3 };
    expect(() => mergeImageRuns([segmented('1.1', [0, 0, 0, 1], 0.8), other])).toThrow(/\(geometry\): the images of the series differ in size/);
  });
});
