import { DEFAULT_ARTERIAL_INPUT, TracerKinetics, tissueScale, uniformSamplingTimes } from '@nidus/testing';
import { circulantPseudoInverses, MatrixDeconvolver } from './circulant-deconvolution';
import { CBF_SCALE, residueArrival, residuePeak } from './residue-maps';
import { correctTruncation, truncationBias } from './truncation-bias';

// The traps measured on a published implementation of truncated SVD, reproduced on noise-free phantom
// curves (sampled from a fine-grid convolution, not from the discrete model), and their removal.
describe(truncationBias.name, () => {
  const times = uniformSamplingTimes(57, 1).map((t) => t + 3);
  const kinetics = new TracerKinetics(DEFAULT_ARTERIAL_INPUT, times);
  const aif = kinetics.arterialAtTimes();
  const N = aif.length;
  const L = 2 * N;
  const thresholds = [0.05, 0.2];
  const { matrices } = circulantPseudoInverses(aif, 1, thresholds);
  const bias = truncationBias(aif, 1, matrices, thresholds.length, 5);
  const aifArea = aif.reduce((s, v) => s + v, 0);

  async function measure(level: number, cbf: number, mtt: number, delay: number) {
    const unit = kinetics.unitTissueCurve('exponential', mtt, delay);
    const curves = new Float32Array(L);
    unit.forEach((v, i) => (curves[i] = v * tissueScale(cbf)));
    const area = curves.reduce((s, v) => s + v, 0);
    const { residues } = await new MatrixDeconvolver().deconvolve({
      curves,
      voxelCount: 1,
      length: L,
      pseudoInverses: matrices.subarray(level * L * L, (level + 1) * L * L),
      levels: 1,
      oscillationLimit: 1,
    });
    const naive = residuePeak(residues, 0, L, N, 5, 1);
    const arrival = residueArrival(residues, 0, L, N, 5, 1);
    const corrected = correctTruncation(bias, level, arrival.height, arrival.time, area / aifArea);
    return { naive: { cbf: naive.height * CBF_SCALE, tmax: naive.time }, corrected: { cbf: corrected.flow * CBF_SCALE, tmax: corrected.tmax } };
  }

  it.each([
    [60, 4, 0.6],
    [22, 5.5, 4.5],
    [18, 8, 9.5],
  ])('reads CBF %d, MTT %d s, Tmax %d s: naive peak late and low, corrected within 0.3 s and 8 %%', async (cbf, mtt, delay) => {
    const heavy = await measure(1, cbf, mtt, delay);
    expect(heavy.naive.tmax - delay).toBeGreaterThan(1); // "Tmax about 2 s late"
    expect(heavy.naive.cbf / cbf).toBeLessThan(0.85); // "reads grey-matter flow low"
    for (const level of [0, 1]) {
      const { corrected } = await measure(level, cbf, mtt, delay);
      expect(Math.abs(corrected.tmax - delay)).toBeLessThan(0.3);
      expect(Math.abs(corrected.cbf / cbf - 1)).toBeLessThan(0.08);
    }
  });
});
