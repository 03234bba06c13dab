// Codecs throw strings and numbers; each must surface as a typed Error with a readable message.
import { readPart10, TransferSyntaxUIDs, writePart10 } from '@nidus/dicom';
import { ctPhantomElements } from '@nidus/testing';
import { decodeFrame } from '../decode';
import { CodecLoadError, FrameDecodeError } from '../imaging.errors';
import { runCornerstoneDecoder, type CornerstoneDecoder } from './cornerstone-codec';
import { LazyCodec } from './lazy-codec';

function failingDecoder(thrown: unknown): CornerstoneDecoder & { deleted: boolean } {
  const d = {
    deleted: false,
    getEncodedBuffer: (n: number) => new Uint8Array(n),
    decode: () => {
      throw thrown;
    },
    getFrameInfo: () => ({ width: 1, height: 1, bitsPerSample: 8, componentCount: 1, isSigned: false }),
    getDecodedBuffer: () => new Uint8Array(1),
    delete: () => {
      d.deleted = true;
    },
  };
  return d;
}

describe(runCornerstoneDecoder.name, () => {
  it.each([
    ['a string', 'OpenJPEG: failed to decode tile 0', /failed to decode tile 0/],
    ['a number (an Emscripten pointer)', 5243920, /aborted with code 5243920/],
    ['a plain object', { exception: 'bad marker' }, /bad marker/],
  ])('turns %s thrown by the codec into a FrameDecodeError, and frees the decoder', (_, thrown, message) => {
    const decoder = failingDecoder(thrown);
    let error: unknown;
    try {
      runCornerstoneDecoder(decoder, new Uint8Array(4), TransferSyntaxUIDs.JPEG2000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameDecodeError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(TransferSyntaxUIDs.JPEG2000);
    expect((error as Error & { cause: unknown }).cause).toBe(thrown);
    expect(decoder.deleted).toBe(true);
  });
});

describe(LazyCodec.name, () => {
  it('turns a factory that rejects with a string into a CodecLoadError, and tries again next time', async () => {
    let calls = 0;
    const codec = new LazyCodec<{ ok: true }>('test codec', async () => {
      calls++;
      if (calls === 1) throw 'abort("both async and sync fetching of the wasm failed")';
      return { ok: true };
    });
    const error = await codec.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecLoadError);
    expect((error as Error).message).toBe('cannot load the test codec codec: abort("both async and sync fetching of the wasm failed")');
    await expect(codec.load()).resolves.toEqual({ ok: true });
    expect(codec.isLoaded()).toBe(true);
  });
});

describe(decodeFrame.name, () => {
  it('reports a damaged JPEG 2000 frame (the codec throws a string or number) as FrameDecodeError', async () => {
    const elements = { ...ctPhantomElements(8, 8) };
    const { EncapsulatedFrames } = await import('@nidus/dicom');
    const bytes = writePart10(
      { ...elements, PixelData: new EncapsulatedFrames([Uint8Array.of(0xff, 0x4f, 0xff, 0x51, 0, 0, 1, 2)]) },
      { transferSyntaxUID: TransferSyntaxUIDs.JPEG2000 },
    );
    const error = await decodeFrame(readPart10(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameDecodeError);
    expect((error as Error).message).toMatch(/cannot decode frame of transfer syntax 1\.2\.840\.10008\.1\.2\.4\.91: \S+/);
  });
});
