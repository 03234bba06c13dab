// Math's functions held locally: global lookups are slow inside jest's vm sandbox
const { sqrt, min, PI } = Math;

/** An ellipsoid in patient coordinates (mm), axis-aligned. */
export interface Ellipsoid {
  centreMm: [number, number, number];
  radiiMm: [number, number, number];
}

/** Whether a point is inside (value < 1), and how far out it is in units of the radii (1 on the surface). */
export function ellipsoidRadius(e: Ellipsoid, p: readonly [number, number, number]): number {
  const u = (p[0] - e.centreMm[0]) / e.radiiMm[0];
  const v = (p[1] - e.centreMm[1]) / e.radiiMm[1];
  const w = (p[2] - e.centreMm[2]) / e.radiiMm[2];
  return sqrt(u * u + v * v + w * w);
}

/** Approximate signed distance (mm) to an ellipsoid's surface: negative inside. */
export function ellipsoidDistance(e: Ellipsoid, p: readonly [number, number, number]): number {
  return (ellipsoidRadius(e, p) - 1) * min(e.radiiMm[0], e.radiiMm[1], e.radiiMm[2]);
}

export function ellipsoidVolumeMl(e: Ellipsoid): number {
  return ((4 / 3) * PI * e.radiiMm[0] * e.radiiMm[1] * e.radiiMm[2]) / 1000;
}
