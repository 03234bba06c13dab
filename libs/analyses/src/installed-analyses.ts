import { AnalysisRegistry, type AnalysisProvider } from '@nidus/analysis';
import { ctpAnalyses } from '@nidus/analyses/ctp';
import { modelAnalyses } from '@nidus/analyses/models';
import { mrStrokeAnalyses } from '@nidus/analyses/mr-stroke';
import { InferenceEngine, type InferenceOptions } from '@nidus/inference';

/**
 * The analyses this build of Nidus installs, one provider each. An analysis lives in its own folder under
 * libs/analyses/ and implements the Analysis contract (libs/analysis); adding one is its folder and its line here.
 * `modelAnalyses` gives one analysis per findings model of MODELS_DIR.
 */
export const INSTALLED_ANALYSES: readonly AnalysisProvider[] = [ctpAnalyses, mrStrokeAnalyses, modelAnalyses];

export interface InstalledAnalyses {
  registry: AnalysisRegistry;
  inference: InferenceEngine;
  /** releases the analyses and the onnxruntime sessions */
  close(): Promise<void>;
}

/** Builds the registry of one process: the installed analyses (and, in tests, others) over one inference engine. */
export function openAnalyses(options: {
  nidusVersion: string;
  modelsDir: string;
  uidRoot?: string;
  providers?: readonly AnalysisProvider[];
  /** intra-op threads, execution providers, time limits (section `inference` of NIDUS_CONFIG) */
  inference?: InferenceOptions;
}): InstalledAnalyses {
  const inference = new InferenceEngine(options.modelsDir, options.inference);
  const registry = AnalysisRegistry.build(options.providers ?? INSTALLED_ANALYSES, {
    nidusVersion: options.nidusVersion,
    uidRoot: options.uidRoot,
    inference,
  });
  return {
    registry,
    inference,
    close: async () => {
      await registry.close();
      await inference.close();
    },
  };
}
