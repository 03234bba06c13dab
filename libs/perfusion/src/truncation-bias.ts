import { residueArrival } from './residue-maps';

/**
 * What the truncated pseudo-inverse at each level does to a known residue, found by simulation with the
 * study's own AIF: an exponential residue (the indicator-dilution model's standard form) of mean transit
 * time m, delayed by a fraction of a sample, is convolved with the AIF on a fine grid, deconvolved at
 * level k and measured with the same estimator as the tissue. gain[k][m] is the measured peak over the
 * true one (truncation lowers the peak of a short-MTT residue: grey matter reads low); shift[k][m] is the
 * measured arrival minus the true one. Voxels are then corrected by inverting these tables, with m
 * consistent with the voxel's own CBV (MTT = CBV / CBF), so no threshold is moved and nothing is tuned
 * to a phantom: the tables come from the study's AIF and the pseudo-inverses used on it.
 */
export interface TruncationBias {
  mtts: Float64Array;
  levels: number;
  gain: Float64Array;
  shift: Float64Array;
  /** padded length, interval, and the simulated residues (unit flow): templates[((k * M + m) * P + phase) * L + j] */
  length: number;
  interval: number;
  phases: number[];
  baseDelay: number;
  templates: Float32Array;
  /** standard deviation of the template amplitude (at level k, MTT m) per unit of white noise in the tissue curve */
  noiseGain: Float64Array;
  /**
   * templates simulated at each arrival from `delayFrom` in steps of `delayStep` (Q of them), so a late
   * arrival's template is cut by the end of the series exactly as the tissue is:
   * delayed[(((s * K + k) * M + m) * Q + q) * L + j] for residue model s of RESIDUE_MODELS
   */
  delayed: Float32Array;
  delayFrom: number;
  delayStep: number;
  delayCount: number;
  /** how many of RESIDUE_MODELS are tabulated (1: exponential only) */
  models: number;
}

/** Residue models whose templates are tabulated: exponential (well-mixed), linear, box (plug flow). */
export const RESIDUE_MODELS = ['exponential', 'linear', 'box'] as const;

export const BIAS_TABLE_MTTS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 17, 20, 25, 30];

export function truncationBias(
  arterial: Float64Array,
  interval: number,
  pseudoInverses: Float32Array,
  levels: number,
  negativeCount: number,
  maxDelay = 24,
  /** levels to tabulate (default all): the others are left empty */
  usedLevels?: ReadonlySet<number>,
  /** tabulate all RESIDUE_MODELS (default: the exponential only) */
  allModels = false,
): TruncationBias {
  const used = (k: number) => !usedLevels || usedLevels.has(k);
  const N = arterial.length;
  const L = 2 * N;
  const mtts = Float64Array.from(BIAS_TABLE_MTTS);
  const gain = new Float64Array(levels * mtts.length);
  const shift = new Float64Array(levels * mtts.length);
  const sub = 16;
  const fine = interval / sub;
  // AIF on a fine grid, linear between samples
  const fineArterial = new Float64Array(N * sub);
  for (let i = 0; i < fineArterial.length; i++) {
    const x = i / sub;
    const j = Math.floor(x);
    const w = x - j;
    fineArterial[i] = arterial[j] * (1 - w) + (j + 1 < N ? arterial[j + 1] : 0) * w;
  }
  const phases = [0, 0.25, 0.5, 0.75];
  const baseDelay = 2;
  const M = mtts.length;
  const templates = new Float32Array(levels * M * phases.length * L);
  const curve = new Float64Array(L);
  const residue = new Float32Array(L);
  mtts.forEach((m, mi) => {
    const decay = Math.exp(-fine / m);
    // e(t) = int_0^t a(tau) exp(-(t - tau)/m) dtau on the fine grid (trapezoid)
    const conv = new Float64Array(fineArterial.length);
    for (let i = 1; i < conv.length; i++) conv[i] = conv[i - 1] * decay + 0.5 * fine * (fineArterial[i - 1] * decay + fineArterial[i]);
    for (let k = 0; k < levels; k++) {
      if (!used(k)) continue;
      let g = 0;
      let s = 0;
      for (let p = 0; p < phases.length; p++) {
        const phase = phases[p];
        const delay = (baseDelay + phase) * interval;
        sampleDelayed(curve, N, conv, fine, interval, delay);
        residue.fill(0);
        const base = k * L * L;
        for (let i = 0; i < N; i++) {
          const c = curve[i];
          if (c === 0) continue;
          const row = base + i * L;
          for (let j = 0; j < L; j++) residue[j] += c * pseudoInverses[row + j];
        }
        templates.set(residue, ((k * M + mi) * phases.length + p) * L);
        const measured = residueArrival(residue, 0, L, N, negativeCount, interval);
        g += measured.height / phases.length;
        s += (measured.time - delay) / phases.length;
      }
      gain[k * mtts.length + mi] = g;
      shift[k * mtts.length + mi] = s;
    }
  });
  // Templates at every arrival on a quarter-sample grid, from 3 s before the AIF to maxDelay.
  const delayStep = interval / 4;
  const delayFrom = -3;
  const delayCount = Math.max(1, Math.floor((Math.min(maxDelay, (N - 2) * interval) - delayFrom) / delayStep) + 1);
  const models = allModels ? RESIDUE_MODELS.length : 1;
  const delayed = new Float32Array(models * levels * M * delayCount * L);
  // cumulative integrals of the AIF and of tau * AIF on the fine grid, for the box and linear residues
  const cumulative = new Float64Array(fineArterial.length);
  const moment = new Float64Array(fineArterial.length);
  for (let i = 1; i < fineArterial.length; i++) {
    cumulative[i] = cumulative[i - 1] + 0.5 * fine * (fineArterial[i - 1] + fineArterial[i]);
    moment[i] = moment[i - 1] + 0.5 * fine * ((i - 1) * fine * fineArterial[i - 1] + i * fine * fineArterial[i]);
  }
  const at = (table: Float64Array, index: number) => (index <= 0 ? 0 : table[Math.min(table.length - 1, index)]);
  for (let model = 0; model < models; model++)
    mtts.forEach((m, mi) => {
      const conv = new Float64Array(fineArterial.length);
      if (RESIDUE_MODELS[model] === 'exponential') {
        const decay = Math.exp(-fine / m);
        for (let i = 1; i < conv.length; i++) conv[i] = conv[i - 1] * decay + 0.5 * fine * (fineArterial[i - 1] * decay + fineArterial[i]);
      } else if (RESIDUE_MODELS[model] === 'box') {
        const width = Math.round(m / fine);
        for (let i = 0; i < conv.length; i++) conv[i] = cumulative[i] - at(cumulative, i - width);
      } else {
        // R(u) = 1 - u / (2m) on [0, 2m]
        const width = Math.round((2 * m) / fine);
        for (let i = 0; i < conv.length; i++) {
          const area = cumulative[i] - at(cumulative, i - width);
          const first = moment[i] - at(moment, i - width);
          conv[i] = area - (i * fine * area - first) / (2 * m);
        }
      }
      for (let q = 0; q < delayCount; q++) {
        const delay = delayFrom + q * delayStep;
        sampleDelayed(curve, N, conv, fine, interval, delay);
        for (let k = 0; k < levels; k++) {
          if (!used(k)) continue;
          const out = (((model * levels + k) * M + mi) * delayCount + q) * L;
          const base = k * L * L;
          for (let i = 0; i < N; i++) {
            const c = curve[i];
            if (c === 0) continue;
            const row = base + i * L;
            for (let j = 0; j < L; j++) delayed[out + j] += c * pseudoInverses[row + j];
          }
        }
      }
    });
  const bias: TruncationBias = {
    mtts,
    levels,
    gain,
    shift,
    length: L,
    interval,
    phases,
    baseDelay,
    templates,
    noiseGain: new Float64Array(levels * M),
    delayed,
    delayFrom,
    delayStep,
    delayCount,
    models,
  };
  // Noise propagation: the amplitude is linear in the curve, amplitude = <P_k c, T> / <T, T>, so its
  // standard deviation for white noise of unit variance is |P_k^T T| / <T, T>.
  for (let k = 0; k < levels; k++) {
    if (!used(k)) continue;
    for (let mi = 0; mi < M; mi++) {
      const t0 = (k * M + mi) * phases.length * L;
      const arrival = baseDelay * interval;
      const start = Math.floor(arrival / interval - 2 / interval);
      const end = Math.ceil(arrival / interval + (2 * mtts[mi] + 6) / interval);
      let tt = 0;
      const back = new Float64Array(N);
      for (let j = start; j <= end; j++) {
        const jj = ((j % L) + L) % L;
        const tv = templates[t0 + jj];
        tt += tv * tv;
        // residue[jj] = sum_i c[i] P[(k, i, jj)]: the gradient of <r, T> with respect to c[i]
        for (let i = 0; i < N; i++) back[i] += tv * pseudoInverses[(k * L + i) * L + jj];
      }
      let norm = 0;
      for (let i = 0; i < N; i++) norm += back[i] * back[i];
      bias.noiseGain[k * M + mi] = tt > 0 ? Math.sqrt(norm) / tt : Infinity;
    }
  }
  return bias;
}

function interpolate(bias: TruncationBias, table: Float64Array, level: number, mtt: number): number {
  const { mtts } = bias;
  const M = mtts.length;
  const row = level * M;
  if (mtt <= mtts[0]) return table[row];
  if (mtt >= mtts[M - 1]) return table[row + M - 1];
  let i = 1;
  while (mtts[i] < mtt) i++;
  const w = Math.log(mtt / mtts[i - 1]) / Math.log(mtts[i] / mtts[i - 1]);
  return table[row + i - 1] * (1 - w) + table[row + i] * w;
}

/**
 * Least-squares amplitude of the level-k template (exponential residue of the given MTT, arriving at
 * `arrival`) in the measured residue, over a window from 2 s before the arrival to 2 MTT + 6 s after it.
 * Linear in the data: noise averages out instead of lifting a maximum.
 */
export function templateAmplitude(
  bias: TruncationBias,
  level: number,
  mtt: number,
  arrival: number,
  residues: Float32Array,
  offset: number,
  model = 0,
): number {
  const { num, den } = templateProjection(bias, level, mtt, arrival, residues, offset, model);
  return den > 0 ? num / den : 0;
}

/** <r, T> and <T, T> for the level-k template of the given MTT arriving at `arrival` (see templateAmplitude). */
export function templateProjection(
  bias: TruncationBias,
  level: number,
  mtt: number,
  arrival: number,
  residues: Float32Array,
  offset: number,
  model = 0,
): { num: number; den: number } {
  const { mtts, length: L, interval, phases } = bias;
  const M = mtts.length;
  const P = phases.length;
  let i = 1;
  while (i < M - 1 && mtts[i] < mtt) i++;
  const w = Math.min(1, Math.max(0, Math.log(mtt / mtts[i - 1]) / Math.log(mtts[i] / mtts[i - 1])));
  const qx = (arrival - bias.delayFrom) / bias.delayStep;
  if (qx >= 0 && qx <= bias.delayCount - 1) {
    // simulated at this very arrival (bilinear in arrival and log MTT)
    const q = Math.min(bias.delayCount - 2, Math.floor(qx));
    const v = Math.max(0, Math.min(1, qx - q));
    const Q = bias.delayCount;
    const a0 = (((model * bias.levels + level) * M + i - 1) * Q + q) * L;
    const b0 = (((model * bias.levels + level) * M + i) * Q + q) * L;
    const start = Math.max(-L / 2, Math.floor(arrival / interval - 2 / interval));
    const end = Math.ceil(arrival / interval + (2 * mtt + 6) / interval);
    let num = 0;
    let den = 0;
    for (let j = start; j <= end; j++) {
      const jj = ((j % L) + L) % L;
      const lower = bias.delayed[a0 + jj] * (1 - w) + bias.delayed[b0 + jj] * w;
      const upper = Q > 1 ? bias.delayed[a0 + L + jj] * (1 - w) + bias.delayed[b0 + L + jj] * w : lower;
      const t = lower * (1 - v) + upper * v;
      num += t * residues[offset + jj];
      den += t * t;
    }
    return { num, den };
  }
  // template delay = (baseDelay + phase) samples; shift it to the arrival
  const samples = arrival / interval - bias.baseDelay;
  const whole = Math.floor(samples);
  const step = Math.round((samples - whole) * P);
  const phase = step >= P ? 0 : step;
  const shift = whole + (step >= P ? 1 : 0);
  const a = ((level * M + i - 1) * P + phase) * L;
  const b = ((level * M + i) * P + phase) * L;
  const start = Math.floor(arrival / interval - 2 / interval);
  const end = Math.ceil(arrival / interval + (2 * mtt + 6) / interval);
  let num = 0;
  let den = 0;
  for (let j = start; j <= end; j++) {
    const jj = ((j % L) + L) % L;
    const tj = (((j - shift) % L) + L) % L;
    const t = bias.templates[a + tj] * (1 - w) + bias.templates[b + tj] * w;
    num += t * residues[offset + jj];
    den += t * t;
  }
  return { num, den };
}

/**
 * Arrival by template matching: the arrival within `halfWidth` seconds of `around` (steps of a quarter
 * sample) where the level's template of the given MTT explains most of the residue (largest <r,T>^2/<T,T>
 * with a positive amplitude), refined by a parabola. This uses the whole residue, not one rising edge, so
 * its spread at low signal is far smaller; it is the least-squares delay of the exponential model.
 */
export function matchArrival(
  bias: TruncationBias,
  level: number,
  mtt: number,
  around: number,
  halfWidth: number,
  residues: Float32Array,
  offset: number,
  model = 0,
): number {
  return matchArrivalScored(bias, level, mtt, around, halfWidth, residues, offset, model).arrival;
}

/** matchArrival with the explained energy <r,T>^2/<T,T> at the best arrival (to compare residue models). */
export function matchArrivalScored(
  bias: TruncationBias,
  level: number,
  mtt: number,
  around: number,
  halfWidth: number,
  residues: Float32Array,
  offset: number,
  model = 0,
): { arrival: number; score: number } {
  const step = bias.interval / bias.phases.length;
  const n = Math.round(halfWidth / step);
  const scores = new Float64Array(2 * n + 1);
  let best = -1;
  for (let k = -n; k <= n; k++) {
    const { num, den } = templateProjection(bias, level, mtt, around + k * step, residues, offset, model);
    const score = num > 0 && den > 0 ? (num * num) / den : 0;
    scores[k + n] = score;
    if (best < 0 || score > scores[best]) best = k + n;
  }
  let shift = 0;
  if (best > 0 && best < 2 * n) {
    const c = scores[best - 1] - 2 * scores[best] + scores[best + 1];
    if (c < 0) shift = Math.max(-0.5, Math.min(0.5, (0.5 * (scores[best - 1] - scores[best + 1])) / c));
  }
  return { arrival: around + (best - n + shift) * step, score: scores[best] };
}

/** Standard deviation of the flow amplitude for a tissue-curve noise of noiseHu. */
export function flowNoise(bias: TruncationBias, level: number, mtt: number, noiseHu: number): number {
  return noiseHu * interpolate(bias, bias.noiseGain, level, mtt);
}

export interface CorrectedResidue {
  /** residue peak (1/s) corrected for truncation */
  flow: number;
  /** s */
  mtt: number;
  /** arrival of the residue's peak, corrected (s) */
  tmax: number;
}

/**
 * Inverts the tables for one voxel: measured peak height and arrival at level k, and the area ratio
 * (tissue over AIF: CBV without constants, = flow * MTT). Fixed-point on MTT = areaRatio * gain(MTT) / height.
 */
export function correctTruncation(bias: TruncationBias, level: number, height: number, arrival: number, areaRatio: number): CorrectedResidue {
  if (!(height > 0) || !(areaRatio > 0)) {
    return { flow: Math.max(0, height), mtt: 0, tmax: arrival - interpolate(bias, bias.shift, level, 4) };
  }
  let mtt = Math.min(30, Math.max(0.5, areaRatio / height));
  for (let i = 0; i < 6; i++) mtt = Math.min(30, Math.max(0.5, (areaRatio * interpolate(bias, bias.gain, level, mtt)) / height));
  return { flow: height / interpolate(bias, bias.gain, level, mtt), mtt, tmax: arrival - interpolate(bias, bias.shift, level, mtt) };
}

/**
 * Flow as the least-squares amplitude of the level's exponential template arriving at `tmax` (given, e.g.
 * from the neighbourhood, so that the voxel's own noise does not choose where to look), with the MTT kept
 * consistent with the area ratio.
 */
export function matchedFlow(
  bias: TruncationBias,
  level: number,
  tmax: number,
  areaRatio: number,
  startMtt: number,
  residues: Float32Array,
  offset: number,
  model = 0,
): { flow: number; mtt: number } {
  let mtt = Math.min(30, Math.max(0.5, startMtt || 4));
  let flow = 0;
  for (let i = 0; i < 3; i++) {
    flow = Math.max(0, templateAmplitude(bias, level, mtt, tmax, residues, offset, model));
    if (!(flow > 0) || !(areaRatio > 0)) break;
    mtt = Math.min(30, Math.max(0.5, areaRatio / flow));
  }
  return { flow, mtt };
}

/**
 * `curve[j]` for j < count: the finely sampled `conv` (step `fine` s) delayed by `delay` s, at times j * interval;
 * zero before the delay and from `count` on (the zero padding of the circulant system).
 */
function sampleDelayed(curve: Float64Array, count: number, conv: ArrayLike<number>, fine: number, interval: number, delay: number): void {
  curve.fill(0);
  for (let j = 0; j < count; j++) {
    const t = j * interval - delay;
    if (t <= 0) continue;
    const x = t / fine;
    const i = Math.floor(x);
    const w = x - i;
    curve[j] = i + 1 < conv.length ? conv[i] * (1 - w) + conv[i + 1] * w : conv[conv.length - 1];
  }
}
