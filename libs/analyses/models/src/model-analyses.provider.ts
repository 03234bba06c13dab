import type { Analysis, AnalysisProvider, InstallProblem } from '@nidus/analysis';
import { InferenceError, isFindingsManifest, readOnnxSignature } from '@nidus/inference';
import { ModelAnalysis } from './model.analysis';

/** What is wrong with a model's graph against its manifest: its input must exist under the manifest's name. */
function signatureProblem(bytes: Uint8Array, inputName: string, outputName: string): string | undefined {
  const signature = readOnnxSignature(bytes);
  if (!signature.inputs.some((i) => i.name === inputName))
    return `the graph has no input ${inputName} (it has ${signature.inputs.map((i) => i.name).join(', ') || 'none'})`;
  if (!signature.outputs.some((o) => o.name === outputName))
    return `the graph has no output ${outputName} (it has ${signature.outputs.map((o) => o.name).join(', ') || 'none'})`;
  return undefined;
}

/**
 * Every findings model of MODELS_DIR, one analysis each, from its manifest alone. Checked at start-up: a manifest
 * that is invalid, a model file that is missing or whose SHA-256 differs from the manifest's, or a graph without the
 * tensors the manifest names, keeps that model out with its reason (start-up names it); the others still run.
 * Engine graphs (the perfusion deconvolution) are not findings models and are left to their engines.
 */
export const modelAnalyses: AnalysisProvider = {
  name: 'models',
  provide(environment) {
    const { inference } = environment;
    const analyses: Analysis[] = [];
    const problems: InstallProblem[] = inference.models.invalid().map(({ id, error }) => ({ id, reason: error.message }));
    for (const { manifest } of inference.models.list()) {
      if (!isFindingsManifest(manifest)) continue;
      try {
        const { bytes } = inference.models.load(manifest.id);
        const problem = signatureProblem(bytes, manifest.input.name, manifest.output.tensor.name);
        if (problem) {
          problems.push({ id: manifest.id, reason: `model ${manifest.id}: ${problem}` });
          continue;
        }
        analyses.push(new ModelAnalysis(manifest, environment, inference));
      } catch (error) {
        if (!(error instanceof InferenceError)) throw error;
        problems.push({ id: manifest.id, reason: error.message });
      }
    }
    return { analyses, problems };
  },
};
