import { z } from 'zod/v4';
import { codedConceptSchema, resultKeySchema } from './coded-concept.schema';

const dim = z.union([z.number().int().min(1), z.string().min(1)]);

/** The output tensor a findings model is read from: its name, dtype and shape (numbers fixed, names dynamic). */
export const outputTensorSchema = z
  .object({
    name: z.string().min(1),
    dtype: z.enum(['float32', 'int64', 'int32', 'uint8']).default('float32'),
    shape: z.array(dim).min(1).describe('dimensions: numbers are checked exactly; a name (e.g. "N") must equal the input dimension of that name'),
  })
  .strict()
  .meta({ id: 'OutputTensor' });

const probability = z.number().min(0).max(1);

export const classificationLabelSchema = z
  .object({
    key: resultKeySchema.optional(),
    index: z.number().int().min(0).describe('position along the last output dimension; default: the order of labels').optional(),
    code: codedConceptSchema.describe('what the label means'),
    threshold: probability.describe("this label's operating threshold; default the output's").optional(),
  })
  .strict()
  .meta({ id: 'ClassificationLabel' });

/** Classification: one score per label (output [1, K] or [N, K] for slices). */
export const classificationOutputSchema = z
  .object({
    tensor: outputTensorSchema,
    activation: z
      .enum(['sigmoid', 'softmax', 'none'])
      .describe('applied to the scores: sigmoid per label, softmax over labels, none when they are probabilities'),
    threshold: probability.default(0.5).describe('operating threshold: present when probability >= threshold'),
    aggregate: z.enum(['max', 'mean']).default('max').describe('slices models: how the per-slice probabilities of a series combine'),
    labels: z.array(classificationLabelSchema).min(1),
  })
  .strict()
  .meta({ id: 'ClassificationOutput' });

const colour = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);

export const MEASUREMENTS = ['volumeMl', 'largestDiameterMm'] as const;

export const segmentationClassSchema = z
  .object({
    key: resultKeySchema.optional(),
    index: z.number().int().min(0).describe('output channel (softmax, sigmoid, none) or label value (labels)'),
    code: codedConceptSchema.describe('SegmentedPropertyType: what the segment is'),
    category: codedConceptSchema
      .describe('SegmentedPropertyCategory; default SCT 49755003 Morphologically Abnormal Structure')
      .default({ scheme: 'SCT', value: '49755003', meaning: 'Morphologically Abnormal Structure' }),
    colour: colour.describe('RGB 0-255, for overlays and the SEG recommended display colour'),
    minComponentMl: z.number().min(0).describe('connected components smaller than this are removed (mL)').optional(),
    minComponentVoxels: z.number().int().min(0).describe('connected components with fewer voxels are removed').optional(),
    measurements: z
      .array(z.enum(MEASUREMENTS))
      .default([])
      .describe('volumeMl: mask volume; largestDiameterMm: longest in-plane distance between two mask pixel centres of one component'),
  })
  .strict()
  .meta({ id: 'SegmentationClass' });

/** Segmentation: a map per class, in the model's grid; masks are mapped back to the source geometry. */
export const segmentationOutputSchema = z
  .object({
    tensor: outputTensorSchema,
    layout: z.enum(['NCHW', 'NHWC', 'NCDHW', 'NDHWC']).describe("layout of the output; default the input's").optional(),
    activation: z
      .enum(['softmax', 'sigmoid', 'none', 'labels'])
      .describe('softmax over channels, sigmoid per channel, none (values are probabilities), or labels (one channel of class values, argmax done)'),
    mask: z
      .enum(['argmax', 'threshold'])
      .describe('argmax across channels, or threshold per channel; default argmax for softmax, threshold otherwise')
      .optional(),
    threshold: probability.default(0.5).describe('probability a voxel needs with mask threshold'),
    background: z.number().int().min(0).describe('softmax/argmax: the background channel, which no class may use; default 0').optional(),
    connectivity: z.enum(['face', 'full']).default('full').describe('components: face neighbours only (4 / 6) or also edges and corners (8 / 26)'),
    classes: z.array(segmentationClassSchema).min(1),
  })
  .strict()
  .meta({ id: 'SegmentationOutput' });

export type ClassificationOutput = z.output<typeof classificationOutputSchema>;
export type SegmentationOutput = z.output<typeof segmentationOutputSchema>;
export type SegmentationClass = z.output<typeof segmentationClassSchema>;
export type ClassificationLabel = z.output<typeof classificationLabelSchema>;
export type OutputTensor = z.output<typeof outputTensorSchema>;
