import { readFileSync } from 'node:fs';
import { readPart10 } from '@nidus/dicom';
import { ModelRegistry, OnnxDeconvolver, OnnxSessionRepository } from '@nidus/inference';
import { analyzeCtpFiles } from '../ctp/analyze-ctp-files';
import { buildCtpResults, CtpResultObject } from '../results/build-ctp-results';
import { CtpContract, ctpContract } from './ctp-contract';

export interface CtpRunOptions {
  version: string;
  /** make the DICOM result objects (SEG, SR, summary SC) too */
  withObjects: boolean;
  uidRoot?: string;
  /** stable per analysis, so a re-run makes the same UIDs */
  uidSeed?: string;
  SeriesInstanceUID?: string;
  onProgress?: (stage: string, fraction: number) => void;
}

export interface CtpRunOutput {
  contract: CtpContract;
  objects: CtpResultObject[];
}

/** The inference engine of one process: the model registry and onnxruntime sessions, opened once. */
export class InferenceEngine {
  readonly sessions = new OnnxSessionRepository();
  readonly registry: ModelRegistry;
  readonly deconvolver: OnnxDeconvolver;

  constructor(modelsDir: string) {
    this.registry = new ModelRegistry(modelsDir);
    this.deconvolver = new OnnxDeconvolver(this.registry, this.sessions);
  }
}

/** One CT perfusion analysis of files on disk: the contract's JSON, and the result objects when asked. */
export async function runCtpAnalysis(paths: string[], engine: InferenceEngine, options: CtpRunOptions): Promise<CtpRunOutput> {
  const analysed = await analyzeCtpFiles(paths, {
    deconvolver: engine.deconvolver,
    SeriesInstanceUID: options.SeriesInstanceUID,
    keepVolume: options.withObjects,
    onProgress: options.onProgress,
  });
  const contract = ctpContract(analysed.result.summary, analysed.series, analysed.warnings, analysed.timings);
  if (!options.withObjects || !analysed.volume) return { contract, objects: [] };
  const started = performance.now();
  // Patient, Study and Frame of Reference come from an image of the analysed series.
  const sourcePath = paths.find((p) => readPart10(readFileSync(p), { untilTag: 'x7fe00010' }).string('SeriesInstanceUID') === analysed.series.SeriesInstanceUID)!;
  const source = readPart10(readFileSync(sourcePath), { untilTag: 'x7fe00010' });
  const built = await buildCtpResults(analysed.result, analysed.volume, [source], {
    version: options.version,
    uidRoot: options.uidRoot,
    uidSeed: options.uidSeed,
  });
  contract.timings.results = Math.round((performance.now() - started)) / 1000;
  return { contract, objects: built.objects };
}
