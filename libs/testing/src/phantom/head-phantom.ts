import { generateUid } from '@nidus/dicom';
import type { Volume4D } from '@nidus/imaging';
import { SeededRandom } from './seeded-random';
import { ArterialInputParameters, DEFAULT_ARTERIAL_INPUT, ResidueShape, TracerKinetics, tissueScale } from './tracer-curves';
import { computePhantomTruth, PhantomTruth, TissueLabel } from './phantom-truth';

export type PatientSide = 'left' | 'right';

export interface PhantomLesionOptions {
  side: PatientSide;
  /** territory radii as fractions of the hemisphere (defaults drawn from the seed) */
  widthFraction?: number;
  lengthFraction?: number;
  /** severity above which tissue is infarct core (0..1; larger = smaller core) */
  coreSeverity?: number;
  /** Tmax (s) at the lesion's edge, at the core's edge and at its centre; linear in severity between them */
  minDelaySeconds?: number;
  coreEdgeDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** CBF factor of penumbra at the core edge (1 at the lesion edge) */
  penumbraFlowFactor?: number;
  /** CBF factor at the core edge and at the centre */
  coreEdgeFlowFactor?: number;
  coreCentreFlowFactor?: number;
}

export interface HeadPhantomOptions {
  seed: number;
  columns?: number;
  rows?: number;
  slices?: number;
  fieldOfViewMm?: number;
  sliceThicknessMm?: number;
  timesSeconds: number[];
  /** standard deviation of the image noise, HU */
  noiseHu: number;
  residue?: ResidueShape | 'mixed';
  lesion?: PhantomLesionOptions | null;
  arterial?: Partial<ArterialInputParameters>;
  /** in-plane rotation of the head, degrees (default drawn from the seed, within +-6) */
  rotationDegrees?: number;
}

export interface HeadPhantom {
  volume: Volume4D;
  truth: PhantomTruth;
  options: HeadPhantomOptions;
}

interface TissueClass {
  label: TissueLabel;
  baselineHu: number;
  cbf: number;
  mtt: number;
}

const TISSUE: Record<'scalp' | 'gm' | 'wm' | 'deep', TissueClass> = {
  scalp: { label: TissueLabel.Scalp, baselineHu: 32, cbf: 8, mtt: 6 },
  gm: { label: TissueLabel.GreyMatter, baselineHu: 38, cbf: 60, mtt: 4 },
  wm: { label: TissueLabel.WhiteMatter, baselineHu: 27, cbf: 22, mtt: 5.5 },
  deep: { label: TissueLabel.DeepGreyMatter, baselineHu: 36, cbf: 50, mtt: 4.2 },
};
const CSF_HU = 6;
const BONE_HU = 1150;
const AIR_HU = -1000;
const BLOOD_HU = 42;
const SUBSAMPLES = 4;

interface VesselPrimitive {
  /** segment from (u0, v0) to (u1, v1) in the head frame, mm; a disc when both ends coincide */
  u0: number;
  v0: number;
  u1: number;
  v1: number;
  radius: number;
  curve: Float64Array;
}

function quantize(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function segmentDistance(u: number, v: number, p: VesselPrimitive): number {
  const du = p.u1 - p.u0;
  const dv = p.v1 - p.v0;
  const length2 = du * du + dv * dv;
  let s = length2 > 0 ? ((u - p.u0) * du + (v - p.v0) * dv) / length2 : 0;
  s = Math.max(0, Math.min(1, s));
  return Math.hypot(u - (p.u0 + s * du), v - (p.v0 + s * dv));
}

/** A smooth, seeded field in [-1, 1] for gentle heterogeneity of flow and arrival. */
function smoothField(random: SeededRandom): (u: number, v: number, z: number) => number {
  const waves = Array.from({ length: 3 }, () => ({
    ku: random.uniform(-1, 1) / 25,
    kv: random.uniform(-1, 1) / 25,
    kz: random.uniform(-1, 1) / 40,
    phase: random.uniform(0, 2 * Math.PI),
  }));
  return (u, v, z) => waves.reduce((sum, w) => sum + Math.sin(w.ku * u + w.kv * v + w.kz * z + w.phase), 0) / 3;
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
  const columns = options.columns ?? 128;
  const rows = options.rows ?? columns;
  const slices = options.slices ?? 8;
  const fov = options.fieldOfViewMm ?? 240;
  const thickness = options.sliceThicknessMm ?? 5;
  const times = options.timesSeconds;
  const timePoints = times.length;
  const dx = fov / columns;
  const dy = (fov * (rows / columns)) / rows;
  const arterial: ArterialInputParameters = {
    ...DEFAULT_ARTERIAL_INPUT,
    arrivalSeconds: random.uniform(5.5, 8.5),
    peakHu: random.uniform(300, 420),
    betaSeconds: random.uniform(1.3, 1.8),
    ...options.arterial,
  };
  const kinetics = new TracerKinetics(arterial, times);

  // Head geometry (mm, head frame: u to the patient's left, v posterior), a little different per seed.
  const halfWidth = random.uniform(66, 76);
  const halfLength = random.uniform(84, 96);
  const centreX = random.uniform(-5, 5);
  const centreY = random.uniform(-5, 5);
  const rotation = ((options.rotationDegrees ?? random.uniform(-6, 6)) * Math.PI) / 180;
  const cosR = Math.cos(rotation);
  const sinR = Math.sin(rotation);
  const slabCentre = random.uniform(-14, -6);
  const flowField = smoothField(random);
  const delayField = smoothField(random);

  // Lesion parameters, drawn from the seed unless given.
  const lesionOptions = options.lesion ?? null;
  const lesion = lesionOptions
    ? {
        side: lesionOptions.side,
        sign: lesionOptions.side === 'left' ? 1 : -1,
        widthFraction: lesionOptions.widthFraction ?? random.uniform(0.32, 0.46),
        lengthFraction: lesionOptions.lengthFraction ?? random.uniform(0.3, 0.48),
        heightMm: random.uniform(30, 70),
        centreV: random.uniform(-0.15, 0.1),
        centreZ: random.uniform(-10, 10),
        phase1: random.uniform(0, 2 * Math.PI),
        phase2: random.uniform(0, 2 * Math.PI),
        coreSeverity: lesionOptions.coreSeverity ?? random.uniform(0.45, 0.75),
        minDelay: lesionOptions.minDelaySeconds ?? 2,
        coreEdgeDelay: lesionOptions.coreEdgeDelaySeconds ?? random.uniform(10, 12.5),
        extraCoreDelay: random.uniform(2, 5),
        penumbraFlow: lesionOptions.penumbraFlowFactor ?? random.uniform(0.6, 0.75),
        coreEdgeFlow: lesionOptions.coreEdgeFlowFactor ?? random.uniform(0.07, 0.11),
        coreCentreFlow: lesionOptions.coreCentreFlowFactor ?? random.uniform(0.03, 0.06),
      }
    : null;
  const residueChoice = options.residue ?? 'exponential';
  const residueFor = (tissue: TissueClass): ResidueShape => {
    if (residueChoice !== 'mixed') return residueChoice;
    return tissue.label === TissueLabel.WhiteMatter ? 'linear' : tissue.label === TissueLabel.DeepGreyMatter ? 'box' : 'exponential';
  };

  const arterialCurve = kinetics.arterialAtTimes();
  const venousCurve = kinetics.dispersedArterial(4, 3.5);
  const lateArterialCurve = kinetics.dispersedArterial(3.5, 2.5);

  const voxelsPerSlice = rows * columns;
  const voxels = voxelsPerSlice * slices;
  const data = new Float32Array(voxels * timePoints);
  const truthCbf = new Float32Array(voxels);
  const truthCbv = new Float32Array(voxels);
  const truthMtt = new Float32Array(voxels);
  const truthDelay = new Float32Array(voxels);
  const labels = new Uint8Array(voxels);
  const vesselCoverage = new Float32Array(voxels);
  const side = new Int8Array(voxels);

  const x0 = -((columns - 1) / 2) * dx;
  const y0 = -((rows - 1) / 2) * dy;
  const positions: [number, number, number][] = [];
  const enhancement = new Float64Array(timePoints);

  for (let z = 0; z < slices; z++) {
    const zMm = (z - (slices - 1) / 2) * thickness;
    positions.push([x0, y0, zMm]);
    const scale = Math.sqrt(Math.max(0.3, 1 - ((zMm - slabCentre) / 115) ** 2));
    const a = halfWidth * scale;
    const b = halfLength * scale;
    const inside = (u: number, v: number, inset: number) => (u / (a - inset)) ** 2 + (v / (b - inset)) ** 2 <= 1;

    const vessels: VesselPrimitive[] = [];
    const affected = (sign: number) => lesion !== null && lesion.sign === sign;
    for (const sign of [1, -1]) {
      const mcaCurve = affected(sign) ? lateArterialCurve : arterialCurve;
      if (Math.abs(zMm - slabCentre + 4) < 7) {
        vessels.push({ u0: sign * 9, v0: -10, u1: sign * (a - 28), v1: -16, radius: 1.6, curve: mcaCurve });
      }
      for (const [fu, fv] of [
        [0.72, -0.3],
        [0.78, -0.05],
        [0.74, 0.18],
      ]) {
        vessels.push({ u0: sign * a * fu, v0: b * fv, u1: sign * a * fu, v1: b * fv, radius: 1.1, curve: mcaCurve });
      }
      vessels.push({ u0: sign * 3, v0: -(b - 32), u1: sign * 3, v1: -(b - 32), radius: 1.3, curve: arterialCurve });
      vessels.push({ u0: sign * 15, v0: b * 0.38, u1: sign * 15, v1: b * 0.38, radius: 1.2, curve: arterialCurve });
    }
    const sinus: VesselPrimitive = { u0: 0, v0: b - 16.5, u1: 0, v1: b - 16.5, radius: 4.8, curve: venousCurve };
    vessels.push(sinus);

    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < columns; x++) {
        const voxel = z * voxelsPerSlice + y * columns + x;
        const px = x0 + x * dx - centreX;
        const py = y0 + y * dy - centreY;
        const u = px * cosR + py * sinR;
        const v = -px * sinR + py * cosR;
        side[voxel] = u > 0 ? 1 : -1;

        // Tissue class at the pixel centre.
        let tissue: TissueClass | null = null;
        let baseline = AIR_HU;
        let label = TissueLabel.Air;
        if (!inside(u, v, 0)) {
          label = TissueLabel.Air;
        } else if (!inside(u, v, 4)) {
          tissue = TISSUE.scalp;
        } else if (!inside(u, v, 11)) {
          label = TissueLabel.Bone;
          baseline = BONE_HU;
        } else if (!inside(u, v, 12.5) || Math.abs(u) < 1.2) {
          label = TissueLabel.Csf;
          baseline = CSF_HU;
        } else if (!inside(u, v, 16)) {
          tissue = TISSUE.gm;
        } else if (((Math.abs(u) - 6) / (4.5 * scale)) ** 2 + ((v + 6) / (22 * scale)) ** 2 <= 1) {
          label = TissueLabel.Csf;
          baseline = CSF_HU;
        } else if (((Math.abs(u) - 19) / 7) ** 2 + ((v + 3) / 14) ** 2 <= 1 || ((Math.abs(u) - 9) / 6) ** 2 + ((v - 12) / 8) ** 2 <= 1) {
          tissue = TISSUE.deep;
        } else {
          tissue = TISSUE.wm;
        }
        if (tissue) {
          label = tissue.label;
          baseline = tissue.baselineHu;
        }
        labels[voxel] = label;

        enhancement.fill(0);
        const isBrain = label === TissueLabel.GreyMatter || label === TissueLabel.WhiteMatter || label === TissueLabel.DeepGreyMatter;
        if (tissue) {
          let cbf = tissue.cbf;
          let mtt = tissue.mtt;
          let delay = 0;
          if (isBrain) {
            cbf *= 1 + 0.08 * flowField(u, v, zMm);
            delay = 0.6 + 0.4 * delayField(u, v, zMm);
            if (lesion && lesion.sign * u > 1.2) {
              const du = u - lesion.sign * (a - 12) * 0.5;
              const dv = v - lesion.centreV * b;
              const dz = zMm - slabCentre - lesion.centreZ;
              const angle = Math.atan2(dv, du);
              const rho =
                Math.sqrt((du / (lesion.widthFraction * a)) ** 2 + (dv / (lesion.lengthFraction * b * 1.4)) ** 2 + (dz / lesion.heightMm) ** 2) *
                (1 + 0.12 * Math.sin(3 * angle + lesion.phase1) + 0.06 * Math.sin(5 * angle + lesion.phase2));
              const severity = 1 - rho;
              if (severity > 0) {
                const maxDelay = lesionOptions?.maxDelaySeconds ?? lesion.coreEdgeDelay + lesion.extraCoreDelay;
                if (severity <= lesion.coreSeverity) {
                  const s = severity / lesion.coreSeverity;
                  delay = lesion.minDelay + (lesion.coreEdgeDelay - lesion.minDelay) * s;
                  cbf *= 1 - (1 - lesion.penumbraFlow) * s;
                  mtt *= 1 + 0.8 * s;
                } else {
                  const s = (severity - lesion.coreSeverity) / (1 - lesion.coreSeverity);
                  delay = lesion.coreEdgeDelay + (maxDelay - lesion.coreEdgeDelay) * s;
                  cbf *= lesion.coreEdgeFlow - (lesion.coreEdgeFlow - lesion.coreCentreFlow) * s;
                  mtt = Math.min(16, mtt * (1.8 + 1.2 * s));
                }
              }
            }
          }
          mtt = quantize(mtt, 0.05);
          delay = quantize(delay, 0.05);
          const unit = kinetics.unitTissueCurve(residueFor(tissue), mtt, delay);
          const scaleHu = tissueScale(cbf);
          for (let t = 0; t < timePoints; t++) enhancement[t] = scaleHu * unit[t];
          if (isBrain) {
            truthCbf[voxel] = cbf;
            truthMtt[voxel] = mtt;
            truthCbv[voxel] = (cbf * mtt) / 60;
            truthDelay[voxel] = delay;
          }
        }

        // Vessels, with partial volume from sub-pixel coverage.
        let coverage = 0;
        let vesselCurve: Float64Array | null = null;
        for (const vessel of vessels) {
          if (segmentDistance(u, v, vessel) > vessel.radius + Math.max(dx, dy)) continue;
          let hits = 0;
          for (let sy = 0; sy < SUBSAMPLES; sy++) {
            for (let sx = 0; sx < SUBSAMPLES; sx++) {
              const qx = px + ((sx + 0.5) / SUBSAMPLES - 0.5) * dx;
              const qy = py + ((sy + 0.5) / SUBSAMPLES - 0.5) * dy;
              const qu = qx * cosR + qy * sinR;
              const qv = -qx * sinR + qy * cosR;
              if (segmentDistance(qu, qv, vessel) <= vessel.radius) hits++;
            }
          }
          const c = hits / (SUBSAMPLES * SUBSAMPLES);
          if (c > coverage) {
            coverage = c;
            vesselCurve = vessel.curve;
          }
        }
        vesselCoverage[voxel] = coverage;
        if (coverage > 0 && vesselCurve) {
          baseline = (1 - coverage) * baseline + coverage * BLOOD_HU;
          for (let t = 0; t < timePoints; t++) enhancement[t] = (1 - coverage) * enhancement[t] + coverage * vesselCurve[t];
          if (coverage >= 0.5) labels[voxel] = TissueLabel.Vessel;
        }

        for (let t = 0; t < timePoints; t++) {
          const noisy = baseline + enhancement[t] + options.noiseHu * random.gaussian();
          data[t * voxels + voxel] = Math.round(noisy);
        }
      }
    }
  }

  const SOPInstanceUIDs = Array.from({ length: timePoints }, () => Array.from({ length: slices }, () => generateUid()));
  const volume: Volume4D = {
    data,
    columns,
    rows,
    slices,
    timePoints,
    timesSeconds: Float64Array.from(times),
    spacingMm: [dx, dy, thickness],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: positions,
    SOPInstanceUIDs,
  };
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
    lesionSide: lesion ? lesion.side : null,
    arterialTimesSeconds: times,
    arterialCurve: Array.from(arterialCurve),
    arterialArea: kinetics.arterialArea(),
  });
  return { volume, truth, options };
}
