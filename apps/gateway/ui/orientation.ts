/**
 * Orientation labels of an image's edges from ImageOrientationPatient (PS3.3 C.7.6.2.1.1): the row direction
 * points to the right edge, the column direction to the bottom. Patient axes (LPS): +x left, +y posterior,
 * +z head. Each label names up to the two strongest axes, strongest first (an oblique image reads 'LA').
 */
export interface OrientationLabels {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

function label(direction: readonly number[]): string {
  const letters: [number, string][] = [
    [direction[0], direction[0] > 0 ? 'L' : 'R'],
    [direction[1], direction[1] > 0 ? 'P' : 'A'],
    [direction[2], direction[2] > 0 ? 'H' : 'F'],
  ];
  return letters
    .filter(([v]) => Math.abs(v) > 0.25)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .slice(0, 2)
    .map(([, l]) => l)
    .join('');
}

export function orientationLabels(ImageOrientationPatient: readonly number[] | null, flip = { h: false, v: false }): OrientationLabels | null {
  if (!ImageOrientationPatient || ImageOrientationPatient.length !== 6) return null;
  const row = ImageOrientationPatient.slice(0, 3);
  const column = ImageOrientationPatient.slice(3, 6);
  const minus = (v: number[]) => v.map((x) => -x);
  let right = label(row);
  let left = label(minus(row));
  let bottom = label(column);
  let top = label(minus(column));
  if (flip.h) [left, right] = [right, left];
  if (flip.v) [top, bottom] = [bottom, top];
  return { left, right, top, bottom };
}
