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

  /** Releases the onnxruntime sessions and their thread. */
  close(): Promise<void> {
    return this.sessions.release();
  }
}

/** The numbers first (what the stroke team waits for), the DICOM objects on demand. */
export interface CtpAnalysed {
  contract: CtpContract;
  buildObjects: () => Promise<CtpResultObject[]>;
}

/** One CT perfusion analysis of files on disk: the contract's JSON now, the result objects when asked. */
export async function analyzeCtp(paths: string[], engine: InferenceEngine, options: Omit<CtpRunOptions, 'withObjects'>): Promise<CtpAnalysed> {
  const analysed = await analyzeCtpFiles(paths, {
    deconvolver: engine.deconvolver,
    SeriesInstanceUID: options.SeriesInstanceUID,
    keepVolume: true,
    onProgress: options.onProgress,
  });
  const contract = ctpContract(analysed.result.summary, analysed.series, analysed.warnings, analysed.timings);
  const buildObjects = async () => {
    const started = performance.now();
    // Patient, Study and Frame of Reference come from an image of the analysed series.
    const header = (p: string) => readPart10(readFileSync(p), { untilTag: 'x7fe00010' });
    const source = paths.map(header).find((h) => h.string('SeriesInstanceUID') === analysed.series.SeriesInstanceUID)!;
    const built = await buildCtpResults(analysed.result, analysed.volume!, [source], {
      version: options.version,
      uidRoot: options.uidRoot,
      uidSeed: options.uidSeed,
    });
    contract.timings.results = Math.round(performance.now() - started) / 1000;
    return built.objects;
  };
  return { contract, buildObjects };
}

/** Both phases at once (the CLI). */
export async function runCtpAnalysis(paths: string[], engine: InferenceEngine, options: CtpRunOptions): Promise<CtpRunOutput> {
  const { contract, buildObjects } = await analyzeCtp(paths, engine, options);
  return { contract, objects: options.withObjects ? await buildObjects() : [] };
}
