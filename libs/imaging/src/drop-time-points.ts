import type { Volume4D } from './volume4d';

/**
 * The volume without some of its time points (e.g. one whose images could not be read): the rest keep their
 * acquisition times, counted again from the first one kept. Perfusion takes non-uniform sampling, so a time point
 * left out is a wider gap in the curve, not a shifted one.
 */
export function dropTimePoints(volume: Volume4D, drop: ReadonlySet<number>): Volume4D {
  const keep = Array.from({ length: volume.timePoints }, (_, t) => t).filter((t) => !drop.has(t));
  const perTime = volume.slices * volume.rows * volume.columns;
  const data = new Float32Array(keep.length * perTime);
  keep.forEach((t, i) => data.set(volume.data.subarray(t * perTime, (t + 1) * perTime), i * perTime));
  const t0 = volume.timesSeconds[keep[0]];
  return {
    ...volume,
    data,
    timePoints: keep.length,
    timesSeconds: Float64Array.from(keep, (t) => volume.timesSeconds[t] - t0),
    SOPInstanceUIDs: keep.map((t) => volume.SOPInstanceUIDs[t]),
  };
}
