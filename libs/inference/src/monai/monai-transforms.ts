import type { PreprocessingStep } from '../manifest/preprocessing-step.schema';
import { transformName } from './monai-config';

/** A transform of a bundle's preprocessing as read from its config. */
export type MonaiTransform = Record<string, unknown> & { _target_?: unknown };

// Transforms with nothing to do in Nidus: loading (Nidus decodes the DICOM itself), channel and type handling.
export const IGNORED_TRANSFORMS = new Set([
  'LoadImaged',
  'LoadImage',
  'EnsureChannelFirstd',
  'EnsureChannelFirst',
  'AddChanneld',
  'AddChannel',
  'EnsureTyped',
  'EnsureType',
  'ToTensord',
  'ToTensor',
  'ToDeviced',
  'Identityd',
  'Identity',
  'CastToTyped',
  'CastToType',
  'CopyItemsd',
  'SqueezeDimd',
  'DeleteItemsd',
]);

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const numbers = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : typeof v === 'number' ? [v] : undefined;

/** Whether a transform applies to the image key (keys may be one name or a list). */
export function appliesToKey(t: MonaiTransform, key: string): boolean {
  return t.keys === undefined || list(t.keys).includes(key);
}

export interface TranslatedTransforms {
  steps: PreprocessingStep[];
  /** transforms that cannot be expressed, each named with its place */
  unsupported: string[];
  warnings: string[];
  oriented: boolean;
}

function interpolation(mode: unknown, allowed: Record<string, string>, where: string, unsupported: string[]): string | undefined {
  const value = String(list(mode ?? 'bilinear')[0]).toLowerCase();
  if (allowed[value]) return allowed[value];
  unsupported.push(`${where}: mode ${value} (supported: ${Object.keys(allowed).join(', ')})`);
  return undefined;
}

function spatialSize(v: unknown, rank: number, where: string, unsupported: string[]): number[] | undefined {
  let size = numbers(v);
  if (size && size.length === 1) size = new Array(rank).fill(size[0]);
  if (!size || size.length !== rank || size.some((s) => !Number.isInteger(s) || s <= 0)) {
    unsupported.push(`${where}: spatial size ${JSON.stringify(v)} (needs ${rank} positive sizes; -1 or 0 "keep this axis" is not supported)`);
    return undefined;
  }
  return size;
}

/**
 * The preprocessing of a bundle as Nidus steps, from the supported subset: Orientationd, Spacingd,
 * ScaleIntensityRanged, NormalizeIntensityd, Resized, SpatialPadd, CenterSpatialCropd, ResizeWithPadOrCropd;
 * LoadImaged, EnsureChannelFirstd and type conversions are left out. Anything else on the image is listed in
 * `unsupported` with its index and name. `rank` is the number of spatial axes.
 */
export function translateTransforms(transforms: readonly MonaiTransform[], key: string, rank: number): TranslatedTransforms {
  const steps: PreprocessingStep[] = [{ op: 'modalityLut' }];
  const unsupported: string[] = [];
  const warnings: string[] = [];
  let oriented = false;
  transforms.forEach((t, i) => {
    const name = transformName(t._target_);
    const where = `preprocessing transform ${i} (${name})`;
    if (!appliesToKey(t, key)) return;
    if (IGNORED_TRANSFORMS.has(name)) return;
    switch (name) {
      case 'Orientationd':
      case 'Orientation': {
        const axcodes = String(t.axcodes ?? '').toUpperCase();
        if (!/^[RLAPSI]{3}$/.test(axcodes) || rank !== 3)
          unsupported.push(`${where}: axcodes ${JSON.stringify(t.axcodes)} (three letters of R/L, A/P, S/I for a 3D image)`);
        else {
          steps.push({ op: 'orient', to: axcodes });
          oriented = true;
        }
        break;
      }
      case 'Spacingd':
      case 'Spacing': {
        let pixdim = numbers(t.pixdim);
        if (pixdim && pixdim.length === 1) pixdim = new Array(rank).fill(pixdim[0]);
        const mode = interpolation(t.mode, { bilinear: 'linear', nearest: 'nearest' }, where, unsupported);
        if (t.diagonal === true) unsupported.push(`${where}: diagonal true (resampling into a diagonal affine)`);
        if (!pixdim || pixdim.length !== rank || pixdim.some((p) => !(p > 0)))
          unsupported.push(`${where}: pixdim ${JSON.stringify(t.pixdim)} (needs ${rank} positive spacings)`);
        else if (mode) steps.push({ op: 'resample', spacingMm: pixdim, interpolation: mode as 'linear' | 'nearest' });
        break;
      }
      case 'ScaleIntensityRanged':
      case 'ScaleIntensityRange': {
        const [a, b] = [t.a_min, t.a_max].map(Number);
        if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) {
          unsupported.push(`${where}: a_min ${JSON.stringify(t.a_min)} / a_max ${JSON.stringify(t.a_max)}`);
          break;
        }
        const scaled = t.b_min !== undefined && t.b_min !== null && t.b_max !== undefined && t.b_max !== null;
        const to: [number, number] = scaled ? [Number(t.b_min), Number(t.b_max)] : [0, 1];
        // MONAI clips only to [b_min, b_max], so without them there is nothing to clip to
        steps.push({ op: 'scaleIntensity', from: [a, b], to, clip: scaled && t.clip === true });
        break;
      }
      case 'NormalizeIntensityd':
      case 'NormalizeIntensity': {
        const subtrahend = numbers(t.subtrahend);
        const divisor = numbers(t.divisor);
        if (t.channel_wise === true) warnings.push(`${where}: channel_wise is moot for single-channel DICOM input`);
        if (subtrahend && divisor)
          steps.push({
            op: 'normalize',
            mode: 'constant',
            mean: subtrahend.length === 1 ? subtrahend[0] : subtrahend,
            std: divisor.length === 1 ? divisor[0] : divisor,
          });
        else if (subtrahend || divisor) unsupported.push(`${where}: only one of subtrahend and divisor (the other would be computed from the image)`);
        else steps.push({ op: 'normalize', mode: 'zscore', nonzero: t.nonzero === true, background: t.nonzero === true ? 'zero' : 'normalize' });
        break;
      }
      case 'Resized':
      case 'Resize': {
        const size = spatialSize(t.spatial_size, rank, where, unsupported);
        if (t.size_mode !== undefined && t.size_mode !== 'all') unsupported.push(`${where}: size_mode ${JSON.stringify(t.size_mode)}`);
        if (t.align_corners === true) unsupported.push(`${where}: align_corners true`);
        if (t.anti_aliasing === true) unsupported.push(`${where}: anti_aliasing true`);
        const mode = interpolation(
          t.mode ?? 'area',
          { area: 'area', bilinear: 'linear', trilinear: 'linear', linear: 'linear', nearest: 'nearest' },
          where,
          unsupported,
        );
        if (size && mode) steps.push({ op: 'resize', shape: size, interpolation: mode as 'linear' | 'nearest' | 'area' });
        break;
      }
      case 'SpatialPadd':
      case 'SpatialPad':
      case 'CenterSpatialCropd':
      case 'CenterSpatialCrop':
      case 'ResizeWithPadOrCropd':
      case 'ResizeWithPadOrCrop': {
        const crop = !name.startsWith('SpatialPad');
        const pad = !name.startsWith('CenterSpatialCrop');
        const size = spatialSize(name.startsWith('CenterSpatialCrop') ? t.roi_size : t.spatial_size, rank, where, unsupported);
        if (t.method !== undefined && t.method !== 'symmetric') unsupported.push(`${where}: method ${JSON.stringify(t.method)} (symmetric only)`);
        const mode = String(t.mode ?? 'constant').toLowerCase();
        if (pad && !['constant', 'edge', 'replicate'].includes(mode)) unsupported.push(`${where}: padding mode ${mode} (constant, edge)`);
        const value = typeof t.value === 'number' ? t.value : 0;
        if (size) steps.push({ op: 'cropOrPad', shape: size, crop, pad, padMode: mode === 'constant' ? 'constant' : 'edge', padValue: value });
        break;
      }
      default:
        unsupported.push(`${where}: not in the supported subset`);
    }
  });
  if (rank === 3 && !oriented) {
    // LoadImage (ITK) gives arrays in (column, row, slice) order and nothing reorients them
    steps.splice(1, 0, { op: 'orient', to: 'xyz' });
    warnings.push('no Orientationd: the tensor keeps the reader order (column, row, slice) and the images their own orientation');
  }
  return { steps, unsupported, warnings, oriented };
}
