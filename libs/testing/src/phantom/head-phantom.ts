import { generateUid } from '@nidus/dicom';
import type { Volume4D } from '@nidus/imaging';
import { HeadModel, PHANTOM_BLOOD_HU, type HeadPhantomOptions } from './head-model';
import { SeededRandom } from './seeded-random';
import { computePhantomTruth, PhantomTruth, TissueLabel } from './phantom-truth';

export type { HeadPhantomOptions, PatientSide, PhantomLesionOptions } from './head-model';

export interface HeadPhantom {
  volume: Volume4D;
  truth: PhantomTruth;
  options: HeadPhantomOptions;
}

/** The truth of a head model on its pixel grid (labels and parameters at pixel centres, vessel partial volume). */
export interface HeadPhantomGrid {
  model: HeadModel;
  truth: PhantomTruth;
  positions: [number, number, number][];
}

/**
 * A digital head phantom for CT perfusion (after Kudo et al., Radiology 2013): skull, CSF, grey and white
 * matter, MCA/ACA/PCA-like small arteries and a venous sinus, an optional MCA-territory lesion
 * (core: very low CBF; penumbra: delayed, moderately reduced CBF), Gaussian noise, and the ground truth.
 * Patient coordinates are LPS; ImageOrientationPatient is [1,0,0,0,1,0], so column index increasing
 * goes to the patient's left and row index increasing goes posterior.
 */
export function generateHeadPhantom(options: HeadPhantomOptions): HeadPhantom {
  const random = new SeededRandom(options.seed);
  const model = new HeadModel(options, random);
  const { truth, positions, data } = renderStill(model, random, options.noiseHu);
  return { volume: phantomVolume(model, data, positions), truth, options };
}

/** The head model's 4D volume around its data (one new SOPInstanceUID per image). */
export function phantomVolume(model: HeadModel, data: Float32Array, positions: [number, number, number][]): Volume4D {
  const { columns, rows, slices, times, dx, dy, thickness } = model;
  const SOPInstanceUIDs = Array.from({ length: times.length }, () => Array.from({ length: slices }, () => generateUid()));
  return {
    data,
    columns,
    rows,
    slices,
    timePoints: times.length,
    timesSeconds: Float64Array.from(times),
    spacingMm: [dx, dy, thickness],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: positions,
    SOPInstanceUIDs,
  };
}

/**
 * The still head sampled at pixel centres (vessels with sub-pixel partial volume), with noise drawn from `random`
 * voxel by voxel, and the truth. With `noiseHu` null no image is made, only the truth.
 */
export function renderStill(model: HeadModel, random: SeededRandom, noiseHu: number | null): HeadPhantomGrid & { data: Float32Array } {
  const { columns, rows, slices, dx, dy, x0, y0, times, thickness } = model;
  const timePoints = times.length;
  const voxelsPerSlice = rows * columns;
  const voxels = voxelsPerSlice * slices;
  const data = new Float32Array(noiseHu === null ? 0 : voxels * timePoints);
  const truthCbf = new Float32Array(voxels);
  const truthCbv = new Float32Array(voxels);
  const truthMtt = new Float32Array(voxels);
  const truthDelay = new Float32Array(voxels);
  const labels = new Uint8Array(voxels);
  const vesselCoverage = new Float32Array(voxels);
  const side = new Int8Array(voxels);
  const positions: [number, number, number][] = [];
  const enhancement = new Float64Array(timePoints);

  for (let z = 0; z < slices; z++) {
    const slice = model.slice(z);
    positions.push([x0, y0, slice.zMm]);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const voxel = z * voxelsPerSlice + y * columns + x;
        const [px, py] = model.centred(x0 + x * dx, y0 + y * dy);
        const [u, v] = model.headFrame(px, py);
        side[voxel] = u > 0 ? 1 : -1;

        const tissue = model.tissue(slice, u, v);
        let baseline = tissue.baselineHu;
        labels[voxel] = tissue.label;
        if (tissue.unit) for (let t = 0; t < timePoints; t++) enhancement[t] = tissue.scaleHu * tissue.unit[t];
        else enhancement.fill(0);
        if (tissue.isBrain) {
          truthCbf[voxel] = tissue.cbf;
          truthMtt[voxel] = tissue.mtt;
          truthCbv[voxel] = (tissue.cbf * tissue.mtt) / 60;
          truthDelay[voxel] = tissue.delay;
        }

        // Vessels, with partial volume from sub-pixel coverage.
        const { coverage, curve: vesselCurve } = model.vesselCoverage(slice, px, py, dx, dy);
        vesselCoverage[voxel] = coverage;
        if (coverage > 0 && vesselCurve) {
          baseline = (1 - coverage) * baseline + coverage * PHANTOM_BLOOD_HU;
          for (let t = 0; t < timePoints; t++) enhancement[t] = (1 - coverage) * enhancement[t] + coverage * vesselCurve[t];
          if (coverage >= 0.5) labels[voxel] = TissueLabel.Vessel;
        }

        if (noiseHu === null) continue;
        for (let t = 0; t < timePoints; t++) {
          const noisy = baseline + enhancement[t] + noiseHu * random.gaussian();
          data[t * voxels + voxel] = Math.round(noisy);
        }
      }
    }
  }

  const truth = computePhantomTruth({
    columns,
    rows,
    slices,
    voxelVolumeMl: (dx * dy * thickness) / 1000,
    labels,
    vesselCoverage,
    side,
    cbf: truthCbf,
    cbv: truthCbv,
    mtt: truthMtt,
    delay: truthDelay,
    lesionSide: model.lesionSide,
    arterialTimesSeconds: times,
    arterialCurve: Array.from(model.arterialCurve),
    arterialArea: model.kinetics.arterialArea(),
  });
  return { model, truth, positions, data };
}
