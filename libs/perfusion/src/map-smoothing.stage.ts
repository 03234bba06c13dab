import { inPlanePixelMm, type GridGeometry } from './analysis-grid';
import { maskedBilateralMean, maskedMedian } from './map-filter';
import type { MapOptions } from './perfusion-options';

/**
 * Stage 6d: in-plane filters of the Tmax and CBF maps within the tissue mask, in this order: a median of
 * Tmax (edges kept, isolated noisy arrivals removed), then optionally a mean of Tmax over neighbours within
 * a few seconds, and a mean of CBF over neighbours of similar (filtered) Tmax. Inputs are not changed.
 */
export function smoothMaps(
  cbf: Float32Array,
  tmax: Float32Array,
  tissue: Uint8Array,
  geometry: GridGeometry,
  options: Pick<MapOptions, 'tmaxMedianMm' | 'tmaxSmoothMm' | 'tmaxSmoothRangeSeconds' | 'cbfSmoothMm' | 'cbfSmoothTmaxSeconds'>,
): { cbf: Float32Array; tmax: Float32Array } {
  const { columns: C, rows: R, slices: S } = geometry;
  const pixelMm = inPlanePixelMm(geometry);
  let smoothTmax = tmax;
  let smoothCbf = cbf;
  const medianRadius = Math.round(options.tmaxMedianMm / pixelMm);
  if (medianRadius > 0) smoothTmax = maskedMedian(smoothTmax, tissue, C, R, S, medianRadius);
  const tmaxSigma = options.tmaxSmoothMm / pixelMm;
  if (tmaxSigma > 0) smoothTmax = maskedBilateralMean(smoothTmax, tissue, C, R, S, tmaxSigma, { values: smoothTmax, scale: options.tmaxSmoothRangeSeconds });
  const cbfSigma = options.cbfSmoothMm / pixelMm;
  if (cbfSigma > 0) smoothCbf = maskedBilateralMean(cbf, tissue, C, R, S, cbfSigma, { values: smoothTmax, scale: options.cbfSmoothTmaxSeconds });
  return { cbf: smoothCbf, tmax: smoothTmax };
}

/** MTT = CBV / CBF (central volume theorem), s, at the given voxels; 0 where CBF is not positive. */
export function mttMap(cbf: Float32Array, cbv: Float32Array, voxels: ArrayLike<number>): Float32Array {
  const mtt = new Float32Array(cbf.length);
  for (let k = 0; k < voxels.length; k++) {
    const voxel = voxels[k];
    mtt[voxel] = cbf[voxel] > 0 ? (60 * cbv[voxel]) / cbf[voxel] : 0;
  }
  return mtt;
}
