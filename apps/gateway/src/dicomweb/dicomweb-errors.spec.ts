import { InvalidAttributeError, TruncatedDicomError, UnsupportedTransferSyntaxError } from '@nidus/dicom';
import { CodecLoadError, CorruptPixelDataError, FrameDecodeError, InvalidPixelModuleError, MissingPixelDataError } from '@nidus/imaging';
import { storedDataStatus } from './dicomweb-errors';

describe(storedDataStatus.name, () => {
  it('maps what the sender put in a file to a 4xx', () => {
    expect(storedDataStatus(new UnsupportedTransferSyntaxError('1.2.840.10008.1.2.4.100'))).toBe(406);
    expect(storedDataStatus(new MissingPixelDataError('no Pixel Data'))).toBe(404);
    expect(storedDataStatus(new FrameDecodeError('1.2.840.10008.1.2.4.90', 'codestream ends early'))).toBe(422);
    expect(storedDataStatus(new CorruptPixelDataError('short Pixel Data'))).toBe(422);
    expect(storedDataStatus(new InvalidPixelModuleError('BitsStored 17 > BitsAllocated 16'))).toBe(422);
    expect(storedDataStatus(new TruncatedDicomError('ends inside an element'))).toBe(422);
    expect(storedDataStatus(new InvalidAttributeError('NumberOfFrames', "'1A' is not a number"))).toBe(422);
  });

  it('leaves our own faults to the 500 path', () => {
    expect(storedDataStatus(new CodecLoadError('openjpeg', 'wasm failed'))).toBeUndefined();
    expect(storedDataStatus(new Error('a bug'))).toBeUndefined();
    expect(storedDataStatus('a string')).toBeUndefined();
  });
});
