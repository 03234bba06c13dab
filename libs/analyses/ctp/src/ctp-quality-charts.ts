import type { ViewChart } from '@nidus/analysis';
import type { CtpQcCurve, CtpQuality } from './ctp-result';

const one = (v: number) => Math.round(v * 10) / 10;

/** Where a curve's voxels are: their count and centre (patient LPS, mm), and how far they spread. */
function whereText(name: string, c: CtpQcCurve): string {
  if (!c.locationsMm.length) return `${name}: ${c.voxelCount} voxels`;
  const centre = [0, 1, 2].map((k) => c.locationsMm.reduce((s, p) => s + p[k], 0) / c.locationsMm.length);
  const spread = Math.max(...c.locationsMm.map((p) => Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2])));
  return `${name}: ${c.voxelCount} voxels around (${centre.map(one).join(', ')}) mm (LPS), within ${one(spread)} mm`;
}

/**
 * The quality checks as the review page draws them (after the RAPID-style QC page): the arterial and venous curves
 * with where they come from and whether the bolus was cut short, and the head's motion per image with the images
 * left out marked. Results stored before quality control existed have no qc, and no charts.
 */
export function ctpQualityCharts(qc: CtpQuality | undefined): ViewChart[] {
  if (!qc) return [];
  const curve = (c: CtpQcCurve) => c.timesSeconds.map((t, i): [number, number] => [t, c.values[i]]);
  const end = qc.venousEndFraction === null ? 'no venous curve' : `the venous curve ends at ${Math.round(qc.venousEndFraction * 100)} % of its peak`;
  const motion = qc.motion.timePoints;
  const left = motion.flatMap((m, i) => (m.included ? [] : [i]));
  return [
    {
      key: 'qc.curves',
      title: 'Arterial input and venous output',
      x: { label: 'time', unit: 's' },
      y: { label: 'enhancement', unit: 'HU' },
      series: [
        { label: 'AIF', colour: '#e53935', points: curve(qc.arterial) },
        { label: 'VOF', colour: '#1e88e5', points: curve(qc.venous) },
      ],
      notes: [
        whereText('AIF', qc.arterial),
        whereText('VOF', qc.venous),
        `${qc.bolusTruncated ? 'Bolus truncated' : 'Bolus complete'}: ${end}`,
        `Usable brain: ${Math.round(qc.usableBrainFraction * 100)} %`,
      ],
    },
    {
      key: 'qc.motion',
      title: 'Head motion',
      x: { label: 'time', unit: 's' },
      y: { label: 'shift (mm) / turn (degrees)' },
      series: [
        { label: 'shift (mm)', colour: '#fb8c00', points: motion.map((m) => [m.timeSeconds, m.shiftMm]), marked: left, markedLabel: 'left out' },
        { label: 'turn (degrees)', colour: '#8e24aa', points: motion.map((m) => [m.timeSeconds, m.rotationDegrees]), marked: left, markedLabel: 'left out' },
      ],
      notes: [
        `${qc.motion.method}: largest shift ${one(qc.motion.maxShiftMm)} mm, turn ${one(qc.motion.maxRotationDegrees)} degrees`,
        `${qc.motion.excluded} of ${motion.length} images left out`,
      ],
    },
  ];
}
