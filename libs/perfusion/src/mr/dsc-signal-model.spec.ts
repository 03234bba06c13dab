import { buildAnalysisGrid } from '../analysis-grid';
import { NotHeadError, NotPerfusionSeriesError } from '../perfusion.errors';
import type { Volume4D } from '@nidus/imaging';
import { DSC_CONCENTRATION_PER_INVERSE_SECOND, dscSignalModel } from './dsc-signal-model';

/** A disc of "brain" (S0 600) with a CSF core (S0 1200), an artery at its centre row, in a dark frame; S = S0 exp(-TE C). */
function discSeries(TE: number, size = 40, slices = 3, T = 30, rim = false) {
  let seed = 12345;
  const noise = () => {
    // a small LCG: the rim's noise, reproducible
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 2;
  };
  const times = Float64Array.from({ length: T }, (_, t) => t * 1.5);
  const bolus = (t: number, arrival: number, peak: number) => {
    const s = (t - arrival) / 3;
    return s > 0 ? peak * s ** 3 * Math.exp(3 * (1 - s)) : 0;
  };
  const data = new Float32Array(size * size * slices * T);
  const concentration = new Float32Array(size * size * slices * T);
  const c = (size - 1) / 2;
  for (let z = 0; z < slices; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x - c, y - c);
        const v = (z * size + y) * size + x;
        const artery = Math.hypot(x - c - 8, y - c) < 1.5;
        const weak = rim && r > 14.5 && r <= 17;
        const s0 = r > 17 ? 0 : weak ? 200 : r < 3 ? 1200 : artery ? 450 : 600;
        for (let t = 0; t < T; t++) {
          const conc = s0 === 0 || r < 3 || weak ? 0 : artery ? bolus(times[t], 6, 70) : bolus(times[t], 8, 6);
          concentration[v * T + t] = conc;
          data[((t * slices + z) * size + y) * size + x] = s0 * Math.exp(-TE * conc) + (weak ? 60 * noise() : 0);
        }
      }
  const volume: Volume4D = {
    data,
    columns: size,
    rows: size,
    slices,
    timePoints: T,
    timesSeconds: times,
    spacingMm: [4, 4, 5],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: Array.from({ length: slices }, (_, z) => [0, 0, 5 * z] as [number, number, number]),
    SOPInstanceUIDs: [],
  };
  return { grid: buildAnalysisGrid(volume, 1), concentration };
}

describe(dscSignalModel.name, () => {
  it('gives Delta R2* = -ln(S / S0) / TE (in 0.1 / s) from a baseline that ends before the bolus', () => {
    const TE = 0.03;
    const { grid, concentration } = discSeries(TE);
    const model = dscSignalModel(TE);
    const c = model.concentration(grid);
    expect(c.arrival.baselineFrames).toBeGreaterThanOrEqual(3);
    expect(c.arrival.baselineFrames).toBeLessThanOrEqual(5);
    let worst = 0;
    for (let i = 0; i < c.curves.length; i++) {
      if (c.baseline[Math.floor(i / grid.timePoints)] === 0) continue;
      worst = Math.max(worst, Math.abs(c.curves[i] - DSC_CONCENTRATION_PER_INVERSE_SECOND * concentration[i]));
    }
    expect(worst).toBeLessThan(1e-2);
  });

  it('looks for the bolus where the signal is steady: a rim of weak, noisy signal does not pass for contrast in the first images', () => {
    const { grid } = discSeries(0.03, 40, 3, 30, true);
    const c = dscSignalModel(0.03).concentration(grid);
    expect(c.arrival.baselineFrames).toBeGreaterThanOrEqual(3);
    expect(c.arrival.baselineFrames).toBeLessThanOrEqual(5);
  });

  it('takes the head as the connected signal and parenchyma as neither CSF-bright nor dark', () => {
    const TE = 0.04;
    const { grid } = discSeries(TE);
    const model = dscSignalModel(TE);
    const { baseline } = model.concentration(grid);
    const head = model.head(grid, baseline);
    const parenchyma = model.parenchyma!(grid, head, baseline);
    const at = (x: number, y: number) => (1 * grid.rows + y) * grid.columns + x;
    expect(head.intracranial[at(20, 20)]).toBe(1);
    expect(head.intracranial[at(1, 1)]).toBe(0);
    expect(parenchyma[at(19, 19)]).toBe(0); // CSF
    expect(parenchyma[at(19, 30)]).toBe(1);
    expect(head.side[at(30, 19)]).toBe(1); // high columns: the patient's left (LPS)
    expect(head.side[at(8, 19)]).toBe(-1);
  });

  it('refuses an echo time that is not T2*-weighted, and an image with no head', () => {
    expect(() => dscSignalModel(0)).toThrow(NotPerfusionSeriesError);
    const { grid } = discSeries(0.03, 12, 1);
    const model = dscSignalModel(0.03);
    expect(() => model.head(grid, new Float32Array(grid.columns * grid.rows))).toThrow(NotHeadError);
  });
});
