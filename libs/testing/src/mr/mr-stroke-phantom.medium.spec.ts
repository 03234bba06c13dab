import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPart10 } from '@nidus/dicom';
import { sameBytes } from '../arrays/same-bytes';
import { dcmdump } from '../dicom/dicom-tools';
import { TissueLabel } from '../phantom/phantom-truth';
import { writeMrStudy } from './mr-dicom-writer';
import { generateMrStrokePhantom, TRUTH_CORE_ADC } from './mr-stroke-phantom';
import { privateText } from './private-elements';

describe(generateMrStrokePhantom.name, () => {
  const small = { slices: 4, dsc: { columns: 64, timePoints: 30 }, dwi: { columns: 80 } };

  it('is reproducible from its seed and differs between seeds', () => {
    const a = generateMrStrokePhantom({ seed: 5, lesion: { side: 'left' }, ...small });
    const b = generateMrStrokePhantom({ seed: 5, lesion: { side: 'left' }, ...small });
    const c = generateMrStrokePhantom({ seed: 6, lesion: { side: 'left' }, ...small });
    expect(sameBytes(a.dsc!.data, b.dsc!.data)).toBe(true);
    expect(sameBytes(a.dwi!.b1000, b.dwi!.b1000)).toBe(true);
    expect(sameBytes(a.dsc!.data, c.dsc!.data)).toBe(false);
  });

  it('drops the DSC signal as S0 exp(-TE k C): arteries most, then tissue; CSF is bright and does not change', () => {
    const p = generateMrStrokePhantom({ seed: 7, lesion: null, ...small, dsc: { ...small.dsc, snr: 1e6 } });
    const dsc = p.dsc!;
    const truth = p.truth.perfusion!;
    const voxels = dsc.columns * dsc.rows * dsc.slices;
    const drop = (v: number) => {
      let min = Infinity;
      for (let t = 0; t < dsc.timePoints; t++) min = Math.min(min, dsc.data[t * voxels + v]);
      return min / dsc.data[v];
    };
    const of = (label: TissueLabel) => [...truth.labels.keys()].filter((v) => truth.labels[v] === label && truth.vesselCoverage[v] === 0);
    const csf = of(TissueLabel.Csf)[0];
    const gm = of(TissueLabel.GreyMatter)[0];
    const vessel = [...truth.labels.keys()].filter((v) => truth.vesselCoverage[v] > 0.9)[0];
    expect(dsc.data[csf]).toBeGreaterThan(1.5 * dsc.data[gm]);
    expect(drop(csf)).toBeGreaterThan(0.99);
    expect(drop(gm)).toBeLessThan(0.95);
    expect(drop(gm)).toBeGreaterThan(0.5);
    expect(drop(vessel)).toBeLessThan(0.3);
    expect(dsc.EchoTime).toBeGreaterThanOrEqual(0.025);
    expect(dsc.EchoTime).toBeLessThanOrEqual(0.04);
  });

  it('puts the diffusion core (ADC < 620e-6 mm^2/s) on the lesion side only, and none in a healthy head', () => {
    for (const side of ['left', 'right'] as const) {
      const p = generateMrStrokePhantom({ seed: 11, lesion: { side }, ...small });
      const dwi = p.dwi!;
      let left = 0;
      let right = 0;
      p.truth.coreMask!.forEach((m, i) => {
        if (!m) return;
        expect(dwi.adc[i]).toBeLessThan(TRUTH_CORE_ADC);
        if (i % dwi.columns >= dwi.columns / 2) left++;
        else right++;
      });
      expect(side === 'left' ? left : right).toBeGreaterThan(0);
      expect(side === 'left' ? right : left).toBe(0);
      expect(p.truth.coreVolumeMl).toBeGreaterThan(0);
      expect(p.truth.hypoperfusionVolumeMl!).toBeGreaterThan(p.truth.coreVolumeMl);
    }
    const healthy = generateMrStrokePhantom({ seed: 12, lesion: null, ...small });
    expect(healthy.truth.coreVolumeMl).toBe(0);
    expect(healthy.truth.hypoperfusionVolumeMl).toBe(0);
    expect(healthy.truth.eligibility).toEqual({ defuse3: false, extend: false });
  });

  it('leaves a series out of the study when asked', () => {
    const p = generateMrStrokePhantom({ seed: 13, lesion: { side: 'left' }, ...small, dsc: null });
    expect(p.dsc).toBeNull();
    expect(p.truth.hypoperfusionVolumeMl).toBeNull();
    expect(p.truth.coreVolumeMl).toBeGreaterThan(0);
  });

  describe(writeMrStudy.name, () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'nidus-mr-phantom-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes MR Image Storage with the b-value where each vendor puts it, the ADC map and the DSC timing', () => {
      const p = generateMrStrokePhantom({ seed: 14, lesion: { side: 'right' }, ...small });
      for (const bValues of ['standard', 'siemens', 'ge'] as const) {
        const study = writeMrStudy(p, join(dir, bValues), { bValues, adcMap: bValues === 'standard' });
        const diffusion = study.diffusion![0].paths;
        expect(diffusion).toHaveLength(2 * p.dwi!.slices);
        const last = readFileSync(diffusion[diffusion.length - 1]);
        const ds = readPart10(last);
        expect(ds.string('SOPClassUID')).toBe('1.2.840.10008.5.1.4.1.1.4');
        if (bValues === 'standard') expect(ds.number('DiffusionBValue')).toBe(1000);
        if (bValues === 'siemens') {
          expect(privateText(last, 0x0019100c)).toBe('1000');
          expect(dcmdump(last).stdout).toMatch(/\(0019,0010\) LO \[SIEMENS MR HEADER\]/);
        }
        if (bValues === 'ge') expect(Number(privateText(last, 0x00431039)!.split('\\')[0]) % 1e9).toBe(1000);
        // dcmtk reads every file whole: the private elements did not break the dataset
        expect(dcmdump(last).stdout).toMatch(/\(7fe0,0010\)/);
      }
      const study = writeMrStudy(p, join(dir, 'dsc'), { adcMap: true });
      const adc = readPart10(readFileSync(study.adc!.paths[0]));
      expect(adc.string('ImageType')).toBe('DERIVED\\PRIMARY\\DIFFUSION\\ADC');
      const dsc = study.dsc!.paths.map((path) => readPart10(readFileSync(path), { untilTag: 'x7fe00010' }));
      expect(dsc).toHaveLength(p.dsc!.slices * p.dsc!.timePoints);
      expect(dsc[0].number('NumberOfTemporalPositions')).toBe(p.dsc!.timePoints);
      expect(dsc[dsc.length - 1].number('TemporalPositionIdentifier')).toBe(p.dsc!.timePoints);
      expect(dsc[0].number('EchoTime')).toBeCloseTo(p.dsc!.EchoTime * 1000, 1);
      expect(new Set(study.paths.map((path) => readPart10(readFileSync(path), { untilTag: 'x7fe00010' }).string('StudyInstanceUID')))).toEqual(
        new Set([study.StudyInstanceUID]),
      );
    });
  });
});
