import { z } from 'zod';

// Section `inference` of NIDUS_CONFIG: how onnxruntime runs the models of MODELS_DIR (docs/models.md, "Runtime").

export const inferenceSectionSchema = z
  .object({
    /** threads of one operator; 0: onnxruntime's default, one per core */
    intraOpNumThreads: z.number().int().min(0).max(256).default(0),
    /** onnxruntime execution providers in order of preference: `cpu` here; `cuda` first with onnxruntime's CUDA build */
    executionProviders: z
      .array(z.enum(['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu']))
      .min(1)
      .default(['cpu']),
    /** model runs under way at once, over all models */
    maxConcurrentRuns: z.number().int().min(1).max(64).default(1),
    /** time limit of a model run when its manifest names none, seconds */
    timeLimitSeconds: z.number().positive().optional(),
    /** per model: its time limit in seconds, over the manifest's (`{ demo-ct-hyperdensity: 30 }`) */
    modelTimeLimitSeconds: z.record(z.string().min(1), z.number().positive()).default({}),
  })
  .strict();

export type InferenceSection = z.output<typeof inferenceSectionSchema>;
