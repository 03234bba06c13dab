import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHeadPhantom, writePhantomSeries, runNidus } from '@nidus/testing';

// The CLI end to end on a phantom written to disk; the accuracy of the numbers is proven in libs/perfusion.
describe('nidus analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nidus-analyze-'));
  const times = Array.from({ length: 28 }, (_, i) => i * 1.6);
  const phantom = generateHeadPhantom({ seed: 4242, columns: 96, rows: 96, slices: 6, timesSeconds: times, noiseHu: 6, lesion: { side: 'right' } });
  const series = writePhantomSeries(phantom.volume, join(dir, 'study'), { PatientName: 'Doe^Jane' });
  writeFileSync(join(dir, 'study', 'notes.txt'), 'not DICOM: skipped inside folders');

  it('prints the contract JSON for a folder, with no Redis or database', () => {
    const r = runNidus(['analyze', join(dir, 'study'), '--json'], {
      DATA_DIR: join(dir, 'data'),
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    for (const field of [
      'coreVolumeMl',
      'hypoperfusionVolumeMl',
      'tmax10VolumeMl',
      'mismatchVolumeMl',
      'mismatchRatio',
      'hypoperfusionIntensityRatio',
      'affectedHemisphere',
      'eligibility',
      'warnings',
    ]) {
      expect(json).toHaveProperty(field);
    }
    expect(json.series).toMatchObject({ SeriesInstanceUID: series.SeriesInstanceUID, instances: 6 * 28, slices: 6, timePoints: 28 });
    expect(json.affectedHemisphere).toBe('right');
    expect(json.hypoperfusionVolumeMl).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('Doe');
  });

  it('writes SEG, SR, summary images and the maps with --out, readable by dcmtk, in a folder per analysis', () => {
    const out = join(dir, 'out');
    const r = runNidus(['analyze', join(dir, 'study'), '--out', out], { DATA_DIR: join(dir, 'data') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Hypoperfusion \(Tmax > 6 s\)\s+\d+\.\d mL/);
    expect(readdirSync(out)).toEqual(['ctp']);
    const files = readdirSync(join(out, 'ctp'));
    expect(files).toContain('result.json');
    expect(files.filter((f) => f.startsWith('seg-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('sr-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('sc-'))).toHaveLength(8); // one per slice, the mosaic and the quality page
    expect(files.filter((f) => f.startsWith('pm-'))).toHaveLength(5); // Tmax, rCBF, CBF, CBV, MTT
    const sr = files.find((f) => f.startsWith('sr-'))!;
    const dump = execFileSync('dsrdump', [join(out, 'ctp', sr)], { encoding: 'utf8' });
    expect(dump).toMatch(/Imaging Measurement Report/);
  });

  it('fails in one line with exit 4 on a series that is not perfusion', () => {
    const single = join(dir, 'single');
    writePhantomSeries(
      { ...phantom.volume, timePoints: 1, timesSeconds: new Float64Array([0]), SOPInstanceUIDs: [phantom.volume.SOPInstanceUIDs[0]] },
      single,
      {},
    );
    // (a head CT of one time point is what the head CT findings model takes: ask for perfusion by name)
    const r = runNidus(['analyze', single, '--analysis', 'ctp'], { DATA_DIR: join(dir, 'data') });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^nidus: analysis failed: .*perfusion.*\n$/);
  });

  it('says so when there is nothing to analyse', () => {
    const empty = mkdtempSync(join(tmpdir(), 'nidus-empty-'));
    const r = runNidus(['analyze', empty], {});
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^nidus: no DICOM files in /);
  });
});
