import type { PerfusionResult } from '@nidus/perfusion';
import { NOT_FOR_DIAGNOSTIC_USE } from './ctp-summary-text';

export const QC_WIDTH = 720;
export const QC_HEIGHT = 600;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const text = (x: number, y: number, size: number, fill: string, value: string, bold = false) =>
  `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}"${bold ? ' font-weight="bold"' : ''} fill="${fill}">${escapeXml(value)}</text>`;

interface Series {
  times: number[];
  values: number[];
  colour: string;
  /** points drawn hollow (left out) */
  hollow?: boolean[];
}

/** A line plot in a box: axes, ticks at round values, one polyline per series. */
function plot(box: { left: number; top: number; width: number; height: number }, series: Series[], yLabel: string, xMax: number): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let yMin = Math.min(0, ...all);
  let yMax = Math.max(1e-6, ...all);
  if (yMax - yMin < 1e-6) yMax = yMin + 1;
  const pad = 0.05 * (yMax - yMin);
  yMin -= pad;
  yMax += pad;
  const X = (t: number) => box.left + (t / Math.max(xMax, 1e-6)) * box.width;
  const Y = (v: number) => box.top + box.height - ((v - yMin) / (yMax - yMin)) * box.height;
  const parts = [`<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="none" stroke="#607d8b" stroke-width="1"/>`];
  if (yMin < 0 && yMax > 0)
    parts.push(`<line x1="${box.left}" y1="${Y(0).toFixed(1)}" x2="${box.left + box.width}" y2="${Y(0).toFixed(1)}" stroke="#37474f"/>`);
  for (const v of [yMin + pad, (yMin + yMax) / 2, yMax - pad]) parts.push(text(box.left - 46, Y(v) + 4, 11, '#b0bec5', v.toFixed(Math.abs(v) < 10 ? 1 : 0)));
  for (let k = 0; k <= 4; k++) {
    const t = (k * xMax) / 4;
    parts.push(text(X(t) - 8, box.top + box.height + 14, 11, '#b0bec5', `${Math.round(t)}`));
  }
  parts.push(text(box.left + box.width - 40, box.top + box.height + 28, 11, '#b0bec5', 'time (s)'));
  parts.push(text(box.left - 46, box.top - 6, 11, '#b0bec5', yLabel));
  for (const s of series) {
    if (s.values.length === 0) continue;
    const points = s.times.map((t, i) => `${X(t).toFixed(1)},${Y(s.values[i]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    s.times.forEach((t, i) => {
      const fill = s.hollow?.[i] ? 'none' : s.colour;
      parts.push(`<circle cx="${X(t).toFixed(1)}" cy="${Y(s.values[i]).toFixed(1)}" r="2.5" fill="${fill}" stroke="${s.colour}"/>`);
    });
  }
  return parts.join('');
}

const where = (locations: readonly (readonly number[])[]) => {
  if (locations.length === 0) return 'none';
  const mean = [0, 1, 2].map((k) => locations.reduce((s, p) => s + p[k], 0) / locations.length);
  return `${locations.length} voxels around (${mean.map((v) => v.toFixed(0)).join(', ')}) mm`;
};

/**
 * The quality page of a CT perfusion analysis, as an SVG of QC_WIDTH x QC_HEIGHT (rendered into a Secondary
 * Capture beside the maps): the arterial and venous curves with where they were taken, the head motion per image
 * (left-out images hollow), and the checks in words with the confidence they give.
 */
export function ctpQualitySvg(result: Pick<PerfusionResult, 'arterialInputFunction' | 'venousOutputFunction' | 'motion' | 'quality'>, version: string): string {
  const { arterialInputFunction: aif, venousOutputFunction: vof, motion, quality } = result;
  const xMax = Math.max(aif.timesSeconds[aif.timesSeconds.length - 1] ?? 1, motion.timePoints[motion.timePoints.length - 1]?.timeSeconds ?? 1);
  const confidenceColour = quality.confidence === 'high' ? '#81c784' : quality.confidence === 'reduced' ? '#ffb74d' : '#e57373';
  const motionTimes = motion.timePoints.map((m) => m.timeSeconds);
  const hollow = motion.timePoints.map((m) => !m.included);
  const lines = [
    `Arterial input (red): ${where(quality.arterialLocationsMm)}, peak ${Math.max(0, ...aif.values).toFixed(0)} HU`,
    `Venous output (blue): ${where(quality.venousLocationsMm)}, ${
      quality.venousEndFraction === null ? 'none found' : `${Math.round(100 * quality.venousEndFraction)} % of its peak at the end`
    }`,
    `Bolus truncation: ${quality.bolusTruncated ? 'YES, the venous curve has not come down' : 'no'} | usable brain: ${Math.round(100 * quality.usableBrainFraction)} %`,
    `Head motion (in-plane, to the first image): up to ${motion.maxShiftMm.toFixed(1)} mm and ${motion.maxRotationDegrees.toFixed(1)} degrees; ${motion.excluded} image(s) left out`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${QC_WIDTH}" height="${QC_HEIGHT}" viewBox="0 0 ${QC_WIDTH} ${QC_HEIGHT}">`,
    `<rect width="${QC_WIDTH}" height="${QC_HEIGHT}" fill="#101418"/>`,
    text(12, 24, 16, '#ffffff', 'NIDUS CT PERFUSION | QUALITY CONTROL', true),
    text(12, 48, 14, confidenceColour, `Confidence: ${quality.confidence}${quality.problems.length ? ` (${quality.problems.join('; ')})` : ''}`, true),
    ...lines.map((line, i) => text(12, 72 + 18 * i, 12, '#eceff1', line)),
    text(70, 162, 12, '#ffffff', 'Arterial (red) and venous (blue) curves, HU above baseline'),
    plot(
      { left: 70, top: 172, width: 620, height: 150 },
      [
        { times: aif.timesSeconds, values: aif.values, colour: '#e53935' },
        { times: vof.timesSeconds, values: vof.values, colour: '#42a5f5' },
      ],
      'HU',
      xMax,
    ),
    text(70, 372, 12, '#ffffff', 'Head motion per image: shift (mm, yellow) and turn (degrees, green); hollow: left out'),
    plot(
      { left: 70, top: 382, width: 620, height: 150 },
      [
        { times: motionTimes, values: motion.timePoints.map((m) => m.shiftMm), colour: '#fdd835', hollow },
        { times: motionTimes, values: motion.timePoints.map((m) => m.rotationDegrees), colour: '#66bb6a', hollow },
      ],
      'mm / deg',
      xMax,
    ),
    `<rect x="0" y="${QC_HEIGHT - 34}" width="${QC_WIDTH}" height="34" fill="#aa0000"/>`,
    text(12, QC_HEIGHT - 12, 15, '#ffffff', `${NOT_FOR_DIAGNOSTIC_USE} | research output of Nidus ${version}`, true),
    '</svg>',
  ].join('');
}
