import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10, TransferSyntaxUIDs, type DicomDataset } from '@nidus/dicom';
import { sameBytes, shuffled, syntheticPerfusionFiles, syntheticStoredValue, type SyntheticPerfusionSeriesOptions } from '@nidus/testing';
import { build4D, load4D } from './build4d';
import { load4DFromFiles } from './build4d-files';
import { Inconsistent4DSeriesError, InconsistentVolumeError } from './imaging.errors';
import type { Volume4D } from './volume4d';

function series(o: SyntheticPerfusionSeriesOptions, seed = 7): DicomDataset[] {
  return shuffled(syntheticPerfusionFiles(o), seed).map((f) => readPart10(f.bytes));
}

/** Every voxel is the synthetic value of its own (t, z, x, y) through the rescale. */
function expectPlacedRight(v: Volume4D, intercept = -1024): void {
  for (let t = 0; t < v.timePoints; t++) {
    for (let z = 0; z < v.slices; z++) {
      for (const [x, y] of [
        [0, 0],
        [v.columns - 1, 0],
        [3 % v.columns, v.rows - 1],
        [v.columns - 1, v.rows - 1],
      ]) {
        const got = v.data[((t * v.slices + z) * v.rows + y) * v.columns + x];
        expect({ t, z, x, y, got }).toEqual({ t, z, x, y, got: syntheticStoredValue(t, z, x, y) + intercept });
      }
    }
  }
}

describe(build4D.name, () => {
  it('splits shuffled images into time points x slices along the normal, with times from AcquisitionTime', () => {
    const v = build4D(series({ rows: 12, columns: 16, slices: 5, timePoints: 7 }));
    expect([v.timePoints, v.slices, v.rows, v.columns]).toEqual([7, 5, 12, 16]);
    expect(v.data).toBeInstanceOf(Float32Array);
    expect(v.data.length).toBe(7 * 5 * 12 * 16);
    expect(Array.from(v.timesSeconds)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(v.spacingMm).toEqual([0.6, 0.5, 5]);
    expect(v.ImagePositionPatient.map((p) => p[2])).toEqual([30, 35, 40, 45, 50]);
    expect(v.SOPInstanceUIDs).toHaveLength(7);
    expect(v.SOPInstanceUIDs[0]).toHaveLength(5);
    expectPlacedRight(v);
  });

  it('keeps non-uniform sampling, fractional seconds and an oblique, reversed slice order', () => {
    const timesSeconds = [0, 1.5, 3, 4.5, 6, 9, 12, 18, 30.25];
    // oblique orientation whose normal points down: slices are sorted along the normal, not by z
    const c = Math.cos(0.3),
      s = Math.sin(0.3);
    const v = build4D(series({ rows: 9, columns: 7, slices: 4, timePoints: timesSeconds.length, timesSeconds, orientation: [1, 0, 0, 0, -c, -s] }, 11));
    expect(Array.from(v.timesSeconds).map((x) => Number(x.toFixed(6)))).toEqual(timesSeconds);
    expect(v.spacingMm[2]).toBeCloseTo(5, 6);
    expectPlacedRight(v);
  });

  it('orders by TemporalPositionIdentifier and takes times from ContentTime when AcquisitionTime is absent', () => {
    const timesSeconds = [0, 2, 4, 7, 11];
    const v = build4D(
      series(
        {
          rows: 8,
          columns: 8,
          slices: 3,
          timePoints: 5,
          timesSeconds,
          temporal: { AcquisitionTime: false, ContentTime: true, TemporalPositionIdentifier: true },
        },
        3,
      ),
    );
    expect(Array.from(v.timesSeconds)).toEqual(timesSeconds);
    expectPlacedRight(v);
  });

  it('copes with AcquisitionTime missing on some images: InstanceNumber orders, the others give the times', () => {
    const files = syntheticPerfusionFiles({ rows: 6, columns: 10, slices: 3, timePoints: 4, timesSeconds: [0, 3, 5, 9] });
    const datasets = shuffled(
      files.map((f) => {
        if (f.z !== 1) return readPart10(f.bytes);
        // slice 1 lost its AcquisitionTime: rewrite it without
        const ds = readPart10(f.bytes);
        return readPart10(rewriteWithout(ds, f.bytes, 'AcquisitionTime'));
      }),
      5,
    );
    const v = build4D(datasets);
    expect(Array.from(v.timesSeconds)).toEqual([0, 3, 5, 9]);
    expectPlacedRight(v);
  });

  it('handles an acquisition across midnight and TriggerTime-only series', () => {
    const midnight = build4D(series({ rows: 5, columns: 5, slices: 2, timePoints: 6, timesSeconds: [0, 4, 8, 12, 16, 20], startSecondOfDay: 86400 - 10 }));
    expect(Array.from(midnight.timesSeconds)).toEqual([0, 4, 8, 12, 16, 20]);
    expectPlacedRight(midnight);
    const trigger = build4D(
      series({ rows: 5, columns: 6, slices: 2, timePoints: 3, timesSeconds: [0, 2.5, 6], temporal: { AcquisitionTime: false, TriggerTime: true } }),
    );
    expect(Array.from(trigger.timesSeconds)).toEqual([0, 2.5, 6]);
    expectPlacedRight(trigger);
  });

  it('maps PixelPaddingValue to air and masks stray bits above BitsStored', () => {
    const files = syntheticPerfusionFiles({ rows: 4, columns: 4, slices: 2, timePoints: 2, extra: { PixelPaddingValue: 1000 + 97 + 13 } });
    const v = build4D(files.map((f) => readPart10(f.bytes)));
    // stored value 1110 occurs at t=1, z=1, where (3x + 5y) % 17 == 0: pixel (0, 0)
    expect(v.data[((1 * 2 + 1) * 4 + 0) * 4 + 0]).toBe(-1024);
    expect(v.data[((1 * 2 + 1) * 4 + 0) * 4 + 1]).toBe(syntheticStoredValue(1, 1, 1, 0) - 1024);

    const noisy = syntheticPerfusionFiles({
      rows: 4,
      columns: 4,
      slices: 1,
      timePoints: 2,
      extra: { BitsStored: 12, HighBit: 11, PixelRepresentation: 0, SliceThickness: 2 },
    });
    const withOverlayBits = noisy.map((f) => {
      const ds = readPart10(f.bytes);
      const e = ds.element('PixelData')!;
      const bytes = Buffer.from(f.bytes);
      for (let i = 0; i < e.length; i += 2) bytes[e.dataOffset + i + 1] |= 0xf0; // set bits 12..15
      return readPart10(bytes);
    });
    const masked = build4D(withOverlayBits);
    expect(masked.spacingMm[2]).toBe(2);
    expectPlacedRight(masked);
  });

  it('raises typed errors when slice counts differ, sizes differ, or nothing tells the time', () => {
    const o = { rows: 6, columns: 6, slices: 3, timePoints: 3 };
    const full = series(o);
    expect(() => build4D(full.slice(1))).toThrow(Inconsistent4DSeriesError);
    const other = series({ ...o, rows: 7 }).slice(0, 1);
    expect(() => build4D([...full.slice(1), ...other])).toThrow(InconsistentVolumeError);
    const untimed = series({ ...o, temporal: { AcquisitionTime: false } });
    expect(() => build4D(untimed)).toThrow(Inconsistent4DSeriesError);
    expect(() => build4D([])).toThrow(Inconsistent4DSeriesError);
  });

  it('builds the same volume from compressed files (dcmcjpls, dcmcrle) read one at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nidus-4d-'));
    try {
      const o = { rows: 20, columns: 24, slices: 3, timePoints: 4, timesSeconds: [0, 2, 3, 7] };
      const files = syntheticPerfusionFiles(o);
      const paths = files.map((f, i) => {
        const raw = join(dir, `raw${i}.dcm`);
        writeFileSync(raw, f.bytes);
        const out = join(dir, `c${i}.dcm`);
        execFileSync(i % 2 ? 'dcmcjpls' : 'dcmcrle', [raw, out]);
        return out;
      });
      const fromFiles = await load4DFromFiles(shuffled(paths));
      const datasets = paths.map((p) => readPart10(require('node:fs').readFileSync(p)));
      expect(new Set(datasets.map((d) => d.transferSyntaxUID))).toEqual(new Set([TransferSyntaxUIDs.RLELossless, TransferSyntaxUIDs.JPEGLSLossless]));
      const fromDatasets = await load4D(shuffled(datasets, 9));
      expect(Array.from(fromFiles.timesSeconds)).toEqual([0, 2, 3, 7]);
      expectPlacedRight(fromFiles);
      expect(sameBytes(fromDatasets.data, fromFiles.data)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Rewrites a synthetic file without one attribute, through the test's own writer. */
function rewriteWithout(ds: DicomDataset, bytes: Buffer, keyword: string): Buffer {
  const e = ds.element(keyword)!;
  // explicit VR little endian short header: 8 bytes before the value
  return Buffer.concat([bytes.subarray(0, e.dataOffset - 8), bytes.subarray(e.dataOffset + e.length)]);
}
