import { thrownMessage } from '@nidus/dicom';
import { CodecLoadError, DecoderNotLoadedError } from '../imaging.errors';

/** Options every Emscripten module factory takes; print/printErr silence the codec's own logging. */
export interface EmscriptenOptions {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

export type EmscriptenFactory<T> = (options?: EmscriptenOptions) => Promise<T>;

/** An Emscripten codec object from embind: free it with delete() to give its WebAssembly memory back. */
export interface EmbindObject {
  delete(): void;
}

/** Frame information that the cornerstone codecs report after decoding. */
export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

/**
 * A WebAssembly codec loaded on first use and kept for the life of the process (one instance per codec,
 * stateless between frames). `module()` is synchronous and throws DecoderNotLoadedError before `load()`.
 */
export class LazyCodec<T> {
  private instance?: T;
  private loading?: Promise<T>;

  constructor(
    readonly name: string,
    private readonly factory: () => Promise<T>,
  ) {}

  /** Loads the module once; a failure (whatever the factory throws) is a CodecLoadError, and the next call tries again. */
  load(): Promise<T> {
    if (this.instance) return Promise.resolve(this.instance);
    this.loading ??= (async () => this.factory())().then(
      (m) => (this.instance = m),
      (error: unknown) => {
        this.loading = undefined;
        throw new CodecLoadError(this.name, thrownMessage(error), error);
      },
    );
    return this.loading;
  }

  isLoaded(): boolean {
    return this.instance !== undefined;
  }

  module(transferSyntaxUID: string): T {
    if (!this.instance) throw new DecoderNotLoadedError(transferSyntaxUID);
    return this.instance;
  }
}

const quiet: EmscriptenOptions = { print: () => undefined, printErr: () => undefined };

/** Loads an Emscripten factory through the package's exported entry point, silenced. */
export function emscripten<T>(load: () => unknown): () => Promise<T> {
  return async () => {
    const exported = load() as { default?: EmscriptenFactory<T> } | EmscriptenFactory<T>;
    const factory = (typeof exported === 'function' ? exported : exported.default) as EmscriptenFactory<T>;
    return factory({ ...quiet });
  };
}

/** Copies a view on WebAssembly memory into a JavaScript-owned array (the view dies with the decoder). */
export function copyOut(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}

/** Unsigned raw samples of a codec's output bytes, by its bits per sample. */
export function samplesOf(bytes: Uint8Array, bitsPerSample: number, count: number): Uint8Array | Uint16Array | Uint32Array {
  if (bitsPerSample <= 8) return bytes.subarray(0, count);
  if (bitsPerSample <= 16) return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, count);
}
