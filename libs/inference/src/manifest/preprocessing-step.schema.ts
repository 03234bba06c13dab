import { z } from 'zod/v4';

const range = z.tuple([z.number(), z.number()]);
const size = z.array(z.number().int().min(1)).min(2).max(3);

/** Stored values to modality values (HU for CT): the image's Rescale Slope/Intercept or Modality LUT (PS3.3 C.11.1). */
export const modalityLutStep = z
  .object({ op: z.literal('modalityLut') })
  .strict()
  .describe('stored values to modality units (HU for CT), PS3.3 C.11.1')
  .meta({ id: 'ModalityLutStep' });

/** A VOI window (PS3.3 C.11.2.1.2) onto `range`: declared, or the image's own (WindowCenter/WindowWidth). */
export const windowStep = z
  .object({
    op: z.literal('window'),
    use: z.enum(['declared', 'image']).default('declared').describe("'declared': center/width below; 'image': the image's own first window, else center/width"),
    center: z.number().describe('window center, modality units').optional(),
    width: z.number().positive().describe('window width, modality units').optional(),
    function: z
      .enum(['LINEAR', 'LINEAR_EXACT', 'SIGMOID'])
      .describe("VOI LUT Function, PS3.3 C.11.2.1.3; default LINEAR (the image's own with use 'image')")
      .optional(),
    range: range.default([0, 1]).describe('output range [low, high]'),
  })
  .strict()
  .describe('VOI window onto range, PS3.3 C.11.2.1.2')
  .meta({ id: 'WindowStep' });

/** MONOCHROME1 images shown as MONOCHROME2: low + high - x over the current value range (PS3.3 C.7.6.3.1.2). */
export const invertMonochrome1Step = z
  .object({ op: z.literal('invertMonochrome1') })
  .strict()
  .describe('for MONOCHROME1 images only: x -> low + high - x over the current value range, so that high values are bright')
  .meta({ id: 'InvertMonochrome1Step' });

/** Linear map of a range onto a range, clipped to the output range unless `clip` is false. */
export const scaleIntensityStep = z
  .object({
    op: z.literal('scaleIntensity'),
    from: range.describe('input range [a, b]'),
    to: range.describe('output range [c, d]'),
    clip: z.boolean().default(true).describe('clip to the output range'),
  })
  .strict()
  .describe('(x - a) / (b - a) * (d - c) + c')
  .meta({ id: 'ScaleIntensityStep' });

const constantNormalize = z
  .object({
    op: z.literal('normalize'),
    mode: z.literal('constant'),
    mean: z.union([z.number(), z.array(z.number()).min(1)]).describe('one value, or one per channel'),
    std: z.union([z.number().positive(), z.array(z.number().positive()).min(1)]).describe('one value, or one per channel'),
  })
  .strict()
  .describe('(x - mean) / std')
  .meta({ id: 'NormalizeConstantStep' });

const zScoreNormalize = z
  .object({
    op: z.literal('normalize'),
    mode: z.literal('zscore'),
    foregroundAbove: z.number().describe('voxels above this value are the foreground the mean and std are taken over; absent: all voxels').optional(),
    nonzero: z.boolean().default(false).describe('the foreground is the voxels that are not 0 (MONAI NormalizeIntensity nonzero)'),
    background: z.enum(['normalize', 'zero']).default('normalize').describe('what voxels outside the foreground become: normalized like the rest, or 0'),
  })
  .strict()
  .describe('(x - mean) / std over the foreground (population std; 1 when it is 0)')
  .meta({ id: 'NormalizeZScoreStep' });

/** Resize to a shape: [rows, columns] for 2D, the tensor's three spatial sizes for volumes. */
export const resizeStep = z
  .object({
    op: z.literal('resize'),
    shape: size.describe('[H, W] for images and slices; the three spatial sizes in tensor order for volumes'),
    interpolation: z
      .enum(['linear', 'nearest', 'area'])
      .default('linear')
      .describe('linear (half-pixel centres, like align_corners=false), nearest, or area (box average)'),
  })
  .strict()
  .meta({ id: 'ResizeStep' });

/** Resample to a voxel spacing (mm) along each spatial axis; voxel 0 keeps its centre. */
export const resampleStep = z
  .object({
    op: z.literal('resample'),
    spacingMm: z.array(z.number().positive()).min(2).max(3).describe('spacing per spatial axis in tensor order, mm: [row, column] for 2D'),
    interpolation: z.enum(['linear', 'nearest']).default('linear'),
  })
  .strict()
  .meta({ id: 'ResampleStep' });

/** Centre crop and/or pad to a shape (the centre rules of MONAI's CenterSpatialCrop and symmetric SpatialPad). */
export const cropOrPadStep = z
  .object({
    op: z.literal('cropOrPad'),
    shape: size.describe('target spatial sizes in tensor order'),
    crop: z.boolean().default(true).describe('crop axes longer than the shape (false: leave them, as MONAI SpatialPad)'),
    pad: z.boolean().default(true).describe('pad axes shorter than the shape (false: leave them, as MONAI CenterSpatialCrop)'),
    padMode: z.enum(['constant', 'edge']).default('constant'),
    padValue: z.number().default(0).describe("value of padding with padMode 'constant'"),
  })
  .strict()
  .meta({ id: 'CropOrPadStep' });

/** Volumes: reorder and flip axes so that the tensor's spatial axes point as `to` says. */
export const orientStep = z
  .object({
    op: z.literal('orient'),
    to: z
      .string()
      .regex(/^([RLAPSI]{3}|xyz|zyx)$/, 'three of R/L, A/P, S/I (e.g. RAS, LPS), or xyz / zyx')
      .describe(
        'patient directions of the tensor spatial axes in layout order (RAS: first axis toward the right, then anterior, superior); or voxel order: zyx (slice, row, column: the default) or xyz',
      ),
  })
  .strict()
  .meta({ id: 'OrientStep' });

/** Grey to N channels (the same values in each). */
export const channelsStep = z
  .object({ op: z.literal('channels'), count: z.number().int().min(1).max(16).describe('number of channels') })
  .strict()
  .describe('grey to N identical channels')
  .meta({ id: 'ChannelsStep' });

export const PREPROCESSING_OPS = [
  'modalityLut',
  'window',
  'invertMonochrome1',
  'scaleIntensity',
  'normalize',
  'resize',
  'resample',
  'cropOrPad',
  'orient',
  'channels',
] as const;

export const preprocessingStepSchema = z
  .discriminatedUnion(
    'op',
    [
      modalityLutStep,
      windowStep,
      invertMonochrome1Step,
      scaleIntensityStep,
      z.discriminatedUnion('mode', [constantNormalize, zScoreNormalize], { error: () => "normalize needs mode 'constant' or 'zscore'" }),
      resizeStep,
      resampleStep,
      cropOrPadStep,
      orientStep,
      channelsStep,
    ],
    { error: () => `unknown preprocessing op; one of ${PREPROCESSING_OPS.join(', ')}` },
  )
  .meta({ id: 'PreprocessingStep' });

export type PreprocessingStep = z.output<typeof preprocessingStepSchema>;
export type WindowStep = z.output<typeof windowStep>;
export type ScaleIntensityStep = z.output<typeof scaleIntensityStep>;
export type NormalizeStep = z.output<typeof constantNormalize> | z.output<typeof zScoreNormalize>;
export type ResizeStep = z.output<typeof resizeStep>;
export type ResampleStep = z.output<typeof resampleStep>;
export type CropOrPadStep = z.output<typeof cropOrPadStep>;
export type OrientStep = z.output<typeof orientStep>;
export type ChannelsStep = z.output<typeof channelsStep>;
