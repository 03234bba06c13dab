import { generateUid } from '@nidus/dicom';
import type { Volume4D } from '@nidus/imaging';
import { SeededRandom } from './seeded-random';
import { ArterialInputParameters, DEFAULT_ARTERIAL_INPUT, ResidueShape, TracerKinetics, tissueScale } from './tracer-curves';

/** One homogeneous region of the grid phantom. */
export interface GridRegion {
  cbf: number;
  mtt: number;
  delay: number;
  residue: ResidueShape;
}

export interface GridPhantomOptions {
  seed: number;
  regions: GridRegion[];
  /** regions per row of the grid, and the side of one region in pixels */
  regionsPerRow: number;
  regionPixels: number;
  pixelMm?: number;
  slices?: number;
  sliceThicknessMm?: number;
  timesSeconds: number[];
  noiseHu: number;
  arterial?: Partial<ArterialInputParameters>;
}

export interface GridPhantom {
  volume: Volume4D;
  /** region index per voxel (-1 outside the regions), slice-major like the maps */
  regionOf: Int32Array;
  /** voxels of a region at least `margin` pixels from its edges, per region */
  interior: (margin: number) => number[][];
  regions: GridRegion[];
}

/**
 * A digital phantom in the manner of Kudo et al. 2013: a grid of homogeneous tissue regions, one per
 * combination of CBF, MTT, delay and residue shape, inside a skull, with a pure arterial region (AIF) and a
 * large venous region (VOF) so that the whole analysis (mask, AIF/VOF, deconvolution) runs as on a head.
 * The grid sits in the middle of a rectangular "brain" bounded by CSF and bone.
 */
export function generateGridPhantom(options: GridPhantomOptions): GridPhantom {
  const random = new SeededRandom(options.seed);
  const { regions, regionsPerRow, regionPixels } = options;
  const rowsOfRegions = Math.ceil(regions.length / regionsPerRow);
  const pixelMm = options.pixelMm ?? 2;
  const slices = options.slices ?? 2;
  const thickness = options.sliceThicknessMm ?? 5;
  const times = options.timesSeconds;
  const T = times.length;
  const border = 6; // pixels: 2 bone, 1 CSF, 3 normal tissue
  const vesselBand = 6;
  const columns = regionsPerRow * regionPixels + 2 * border + 2 * 2;
  const rows = rowsOfRegions * regionPixels + 2 * border + vesselBand + 2 * 2;
  const arterial: ArterialInputParameters = { ...DEFAULT_ARTERIAL_INPUT, ...options.arterial };
  const kinetics = new TracerKinetics(arterial, times);
  const aif = kinetics.arterialAtTimes();
  const vof = kinetics.dispersedArterial(4, 3.5);
  const normal = kinetics.unitTissueCurve('exponential', 4, 0.5).map((v) => v * tissueScale(50));
  const voxels = columns * rows * slices;
  const data = new Float32Array(voxels * T);
  const regionOf = new Int32Array(voxels).fill(-1);
  const curves = regions.map((r) => kinetics.unitTissueCurve(r.residue, r.mtt, r.delay).map((v) => v * tissueScale(r.cbf)));
  for (let z = 0; z < slices; z++) {
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const i = (z * rows + y) * columns + x;
        const edge = Math.min(x, y, columns - 1 - x, rows - 1 - y);
        let base: number;
        let curve: Float64Array | null = null;
        if (edge < 2) base = -1000;
        else if (edge < 4) base = 1150;
        else if (edge < 5) base = 6;
        else {
          base = 32;
          curve = normal;
          const gx = x - border - 2;
          const gy = y - border - 2 - vesselBand;
          if (y - border - 2 >= 0 && y - border - 2 < vesselBand) {
            // vessel band: a pure artery (left) and a wide sinus (right), tissue between
            const vx = x - border - 2;
            if (vx >= 2 && vx < 4 && y - border - 2 >= 2 && y - border - 2 < 4) ((curve = aif), (base = 42));
            else if (vx >= columns - 2 * border - 12 && vx < columns - 2 * border - 4 && y - border - 2 >= 1 && y - border - 2 < 5)
              ((curve = vof), (base = 42));
          } else if (gx >= 0 && gy >= 0 && gx < regionsPerRow * regionPixels && gy < rowsOfRegions * regionPixels) {
            const region = Math.floor(gy / regionPixels) * regionsPerRow + Math.floor(gx / regionPixels);
            if (region < regions.length) {
              regionOf[i] = region;
              curve = curves[region];
              base = 30;
            }
          }
        }
        for (let t = 0; t < T; t++) {
          data[t * voxels + i] = Math.round(base + (curve ? curve[t] : 0) + options.noiseHu * random.gaussian());
        }
      }
    }
  }
  const x0 = -((columns - 1) / 2) * pixelMm;
  const y0 = -((rows - 1) / 2) * pixelMm;
  const volume: Volume4D = {
    data,
    columns,
    rows,
    slices,
    timePoints: T,
    timesSeconds: Float64Array.from(times),
    spacingMm: [pixelMm, pixelMm, thickness],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: Array.from({ length: slices }, (_, z) => [x0, y0, z * thickness] as [number, number, number]),
    SOPInstanceUIDs: Array.from({ length: T }, () => Array.from({ length: slices }, () => generateUid())),
  };
  const interior = (margin: number) => {
    const lists: number[][] = regions.map(() => []);
    for (let z = 0; z < slices; z++)
      for (let y = 0; y < rows; y++)
        for (let x = 0; x < columns; x++) {
          const i = (z * rows + y) * columns + x;
          const r = regionOf[i];
          if (r < 0) continue;
          const gx = (x - border - 2) % regionPixels;
          const gy = (y - border - 2 - vesselBand) % regionPixels;
          if (gx >= margin && gy >= margin && gx < regionPixels - margin && gy < regionPixels - margin) lists[r].push(i);
        }
    return lists;
  };
  return { volume, regionOf, interior, regions };
}
