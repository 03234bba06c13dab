import { SeededRandom } from './seeded-random';
import { ArterialInputParameters, DEFAULT_ARTERIAL_INPUT, ResidueShape, TracerKinetics, tissueScale } from './tracer-curves';
import { TissueLabel } from './phantom-truth';

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
export const PHANTOM_BLOOD_HU = 42;
const SUBSAMPLES = 4;
const SHAPE_INDEX: Record<ResidueShape, number> = { exponential: 0, box: 1, linear: 2 };

interface VesselPrimitive {
  /** segment from (u0, v0) to (u1, v1) in the head frame, mm; a disc when both ends coincide */
  u0: number;
  v0: number;
  u1: number;
  v1: number;
  radius: number;
  curve: Float64Array;
}

/** One slice of the head: its height, the size of its section and its vessels. */
export interface HeadSlice {
  zMm: number;
  a: number;
  b: number;
  scale: number;
  vessels: VesselPrimitive[];
}

/** What the phantom holds at one point of the head frame, vessels aside. */
export interface TissuePoint {
  label: TissueLabel;
  baselineHu: number;
  /** enhancement per time point per unit of scaleHu (TracerKinetics.unitTissueCurve); null for air, bone and CSF */
  unit: Float64Array | null;
  /** HU per unit of the curve: the tissue's enhancement is scaleHu * unit[t] */
  scaleHu: number;
  isBrain: boolean;
  cbf: number;
  mtt: number;
  delay: number;
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

/** Squared distance from a head-frame point to a vessel's axis (no Math.hypot: this runs per sub-pixel point). */
function segmentDistance2(u: number, v: number, p: VesselPrimitive): number {
  const du = p.u1 - p.u0;
  const dv = p.v1 - p.v0;
  const length2 = du * du + dv * dv;
  let s = length2 > 0 ? ((u - p.u0) * du + (v - p.v0) * dv) / length2 : 0;
  s = s < 0 ? 0 : s > 1 ? 1 : s;
  const eu = u - (p.u0 + s * du);
  const ev = v - (p.v0 + s * dv);
  return eu * eu + ev * ev;
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
 * The continuous head of the digital phantom (after Kudo et al., Radiology 2013): its shape, tissues, vessels and
 * lesion, drawn from the seed in a fixed order, and what it holds at any point. Image positions are mm from the
 * centre of the first pixel's row and column grid as the phantom lays it out (x0 + x dx, y0 + y dy).
 */
export class HeadModel {
  readonly columns: number;
  readonly rows: number;
  readonly slices: number;
  readonly thickness: number;
  readonly dx: number;
  readonly dy: number;
  readonly x0: number;
  readonly y0: number;
  readonly times: number[];
  readonly kinetics: TracerKinetics;
  readonly lesionSide: PatientSide | null;
  readonly arterialCurve: Float64Array;
  private readonly centreX: number;
  private readonly centreY: number;
  private readonly cosR: number;
  private readonly sinR: number;
  private readonly halfWidth: number;
  private readonly halfLength: number;
  private readonly slabCentre: number;
  private readonly flowField: (u: number, v: number, z: number) => number;
  private readonly delayField: (u: number, v: number, z: number) => number;
  private readonly lesion;
  private readonly residueChoice: ResidueShape | 'mixed';
  private readonly venousCurve: Float64Array;
  private readonly lateArterialCurve: Float64Array;
  private readonly units = new Map<number, Float64Array>();

  constructor(
    readonly options: HeadPhantomOptions,
    random: SeededRandom,
  ) {
    this.columns = options.columns ?? 128;
    this.rows = options.rows ?? this.columns;
    this.slices = options.slices ?? 8;
    const fov = options.fieldOfViewMm ?? 240;
    this.thickness = options.sliceThicknessMm ?? 5;
    this.times = options.timesSeconds;
    this.dx = fov / this.columns;
    this.dy = (fov * (this.rows / this.columns)) / this.rows;
    const arterial: ArterialInputParameters = {
      ...DEFAULT_ARTERIAL_INPUT,
      arrivalSeconds: random.uniform(5.5, 8.5),
      peakHu: random.uniform(300, 420),
      betaSeconds: random.uniform(1.3, 1.8),
      ...options.arterial,
    };
    this.kinetics = new TracerKinetics(arterial, this.times);

    // Head geometry (mm, head frame: u to the patient's left, v posterior), a little different per seed.
    this.halfWidth = random.uniform(66, 76);
    this.halfLength = random.uniform(84, 96);
    this.centreX = random.uniform(-5, 5);
    this.centreY = random.uniform(-5, 5);
    const rotation = ((options.rotationDegrees ?? random.uniform(-6, 6)) * Math.PI) / 180;
    this.cosR = Math.cos(rotation);
    this.sinR = Math.sin(rotation);
    this.slabCentre = random.uniform(-14, -6);
    this.flowField = smoothField(random);
    this.delayField = smoothField(random);

    // Lesion parameters, drawn from the seed unless given.
    const lesionOptions = options.lesion ?? null;
    this.lesionSide = lesionOptions?.side ?? null;
    this.lesion = lesionOptions
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
          maxDelay: lesionOptions.maxDelaySeconds,
          penumbraFlow: lesionOptions.penumbraFlowFactor ?? random.uniform(0.6, 0.75),
          coreEdgeFlow: lesionOptions.coreEdgeFlowFactor ?? random.uniform(0.07, 0.11),
          coreCentreFlow: lesionOptions.coreCentreFlowFactor ?? random.uniform(0.03, 0.06),
        }
      : null;
    this.residueChoice = options.residue ?? 'exponential';
    this.arterialCurve = this.kinetics.arterialAtTimes();
    this.venousCurve = this.kinetics.dispersedArterial(4, 3.5);
    this.lateArterialCurve = this.kinetics.dispersedArterial(3.5, 2.5);
    this.x0 = -((this.columns - 1) / 2) * this.dx;
    this.y0 = -((this.rows - 1) / 2) * this.dy;
  }

  slice(z: number): HeadSlice {
    const zMm = (z - (this.slices - 1) / 2) * this.thickness;
    const { slabCentre } = this;
    const scale = Math.sqrt(Math.max(0.3, 1 - ((zMm - slabCentre) / 115) ** 2));
    const a = this.halfWidth * scale;
    const b = this.halfLength * scale;
    const vessels: VesselPrimitive[] = [];
    const affected = (sign: number) => this.lesion !== null && this.lesion.sign === sign;
    for (const sign of [1, -1]) {
      const mcaCurve = affected(sign) ? this.lateArterialCurve : this.arterialCurve;
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
      vessels.push({ u0: sign * 3, v0: -(b - 32), u1: sign * 3, v1: -(b - 32), radius: 1.3, curve: this.arterialCurve });
      vessels.push({ u0: sign * 15, v0: b * 0.38, u1: sign * 15, v1: b * 0.38, radius: 1.2, curve: this.arterialCurve });
    }
    vessels.push({ u0: 0, v0: b - 16.5, u1: 0, v1: b - 16.5, radius: 4.8, curve: this.venousCurve });
    return { zMm, a, b, scale, vessels };
  }

  /** The head's centre in the image plane, mm (image positions as x0 + x dx, y0 + y dy). */
  get centreMm(): [number, number] {
    return [this.centreX, this.centreY];
  }

  /** Image position (mm) relative to the head's centre. */
  centred(x: number, y: number): [number, number] {
    return [x - this.centreX, y - this.centreY];
  }

  /** Head-frame coordinates (u to the patient's left, v posterior) of a position relative to the head's centre (mm). */
  headFrame(px: number, py: number): [number, number] {
    return [px * this.cosR + py * this.sinR, -px * this.sinR + py * this.cosR];
  }

  private tissueClass(slice: HeadSlice, u: number, v: number): TissueClass | TissueLabel {
    const { a, b, scale } = slice;
    const inside = (inset: number) => (u / (a - inset)) ** 2 + (v / (b - inset)) ** 2 <= 1;
    if (!inside(0)) return TissueLabel.Air;
    if (!inside(4)) return TISSUE.scalp;
    if (!inside(11)) return TissueLabel.Bone;
    if (!inside(12.5) || Math.abs(u) < 1.2) return TissueLabel.Csf;
    if (!inside(16)) return TISSUE.gm;
    if (((Math.abs(u) - 6) / (4.5 * scale)) ** 2 + ((v + 6) / (22 * scale)) ** 2 <= 1) return TissueLabel.Csf;
    if (((Math.abs(u) - 19) / 7) ** 2 + ((v + 3) / 14) ** 2 <= 1 || ((Math.abs(u) - 9) / 6) ** 2 + ((v - 12) / 8) ** 2 <= 1) return TISSUE.deep;
    return TISSUE.wm;
  }

  /** The tissue at a head-frame point, vessels aside: baseline, enhancement curve and the true parameters. */
  tissue(slice: HeadSlice, u: number, v: number): TissuePoint {
    const c = this.tissueClass(slice, u, v);
    if (typeof c === 'number') {
      const baselineHu = c === TissueLabel.Bone ? BONE_HU : c === TissueLabel.Csf ? CSF_HU : AIR_HU;
      return { label: c, baselineHu, unit: null, scaleHu: 0, isBrain: false, cbf: 0, mtt: 0, delay: 0 };
    }
    const { zMm } = slice;
    const lesion = this.lesion;
    const isBrain = c.label === TissueLabel.GreyMatter || c.label === TissueLabel.WhiteMatter || c.label === TissueLabel.DeepGreyMatter;
    let cbf = c.cbf;
    let mtt = c.mtt;
    let delay = 0;
    if (isBrain) {
      cbf *= 1 + 0.08 * this.flowField(u, v, zMm);
      delay = 0.6 + 0.4 * this.delayField(u, v, zMm);
      if (lesion && lesion.sign * u > 1.2) {
        const du = u - lesion.sign * (slice.a - 12) * 0.5;
        const dv = v - lesion.centreV * slice.b;
        const dz = zMm - this.slabCentre - lesion.centreZ;
        const angle = Math.atan2(dv, du);
        const rho =
          Math.sqrt((du / (lesion.widthFraction * slice.a)) ** 2 + (dv / (lesion.lengthFraction * slice.b * 1.4)) ** 2 + (dz / lesion.heightMm) ** 2) *
          (1 + 0.12 * Math.sin(3 * angle + lesion.phase1) + 0.06 * Math.sin(5 * angle + lesion.phase2));
        const severity = 1 - rho;
        if (severity > 0) {
          const maxDelay = lesion.maxDelay ?? lesion.coreEdgeDelay + lesion.extraCoreDelay;
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
    const shape = this.residueFor(c);
    // a numeric key: mtt and delay are on a 0.05 s grid
    const key = (SHAPE_INDEX[shape] * 10000 + Math.round(mtt * 20)) * 100000 + Math.round(delay * 20);
    let unit = this.units.get(key);
    if (!unit) this.units.set(key, (unit = this.kinetics.unitTissueCurve(shape, mtt, delay)));
    return { label: c.label, baselineHu: c.baselineHu, unit, scaleHu: tissueScale(cbf), isBrain, cbf, mtt, delay };
  }

  private residueFor(tissue: TissueClass): ResidueShape {
    if (this.residueChoice !== 'mixed') return this.residueChoice;
    return tissue.label === TissueLabel.WhiteMatter ? 'linear' : tissue.label === TissueLabel.DeepGreyMatter ? 'box' : 'exponential';
  }

  /** The vessel (its curve) at a head-frame point, or null. */
  vesselAt(slice: HeadSlice, u: number, v: number): Float64Array | null {
    for (const vessel of slice.vessels) if (segmentDistance2(u, v, vessel) <= vessel.radius * vessel.radius) return vessel.curve;
    return null;
  }

  /**
   * Vessel partial volume of a pixel centred on (px, py) mm from the head's centre, of size w x h mm: the largest
   * fraction a vessel covers, by SUBSAMPLES x SUBSAMPLES sub-pixel points, and that vessel's curve.
   */
  vesselCoverage(slice: HeadSlice, px: number, py: number, w: number, h: number): { coverage: number; curve: Float64Array | null } {
    const [u, v] = this.headFrame(px, py);
    let coverage = 0;
    let curve: Float64Array | null = null;
    for (const vessel of slice.vessels) {
      if (segmentDistance(u, v, vessel) > vessel.radius + Math.max(w, h)) continue;
      let hits = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const [qu, qv] = this.headFrame(px + ((sx + 0.5) / SUBSAMPLES - 0.5) * w, py + ((sy + 0.5) / SUBSAMPLES - 0.5) * h);
          if (segmentDistance(qu, qv, vessel) <= vessel.radius) hits++;
        }
      }
      const c = hits / (SUBSAMPLES * SUBSAMPLES);
      if (c > coverage) {
        coverage = c;
        curve = vessel.curve;
      }
    }
    return { coverage, curve };
  }
}
