import { InvalidAttributeError, type DicomDataset } from '@nidus/dicom';
import { InvalidPixelModuleError, MissingPixelDataError } from './imaging.errors';
import { MalformedNumberOfFramesWarning, type PixelModuleWarning } from './pixel-module.warnings';

/** The attributes of the Image Pixel module (PS3.3 C.7.6.3) that decoding needs, read once per dataset. */
export interface PixelModule {
  Rows: number;
  Columns: number;
  SamplesPerPixel: number;
  BitsAllocated: number;
  BitsStored: number;
  HighBit: number;
  /** 0 unsigned, 1 two's complement */
  PixelRepresentation: number;
  PhotometricInterpretation: string;
  /** 0 colour-by-pixel (interleaved), 1 colour-by-plane */
  PlanarConfiguration: number;
  NumberOfFrames: number;
  PixelPaddingValue?: number;
  PixelPaddingRangeLimit?: number;
  /** values that broke their VR but could still be read (logged by the caller) */
  warnings?: readonly PixelModuleWarning[];
}

/**
 * NumberOfFrames (PS3.3 C.7.6.6): absent or below 1 means one frame. A value that is not an integer string
 * ('1A', badVR.dcm of pydicom) is read by its leading digits with a warning; one without any is refused.
 */
function numberOfFrames(ds: DicomDataset, warnings: PixelModuleWarning[]): number {
  let frames: number | undefined;
  try {
    frames = ds.number('NumberOfFrames');
  } catch (error) {
    if (!(error instanceof InvalidAttributeError)) throw error;
    const text = ds.string('NumberOfFrames') ?? '';
    const digits = /^\s*\+?(\d+)/.exec(text);
    if (!digits) throw new InvalidPixelModuleError(`NumberOfFrames '${text}' is not an integer`);
    frames = Number(digits[1]);
    warnings.push(new MalformedNumberOfFramesWarning(text, Math.max(1, frames)));
  }
  return frames === undefined || frames < 1 ? 1 : Math.floor(frames);
}

/** Reads and checks the Image Pixel module. */
export function readPixelModule(ds: DicomDataset): PixelModule {
  if (!ds.element('PixelData')) throw new MissingPixelDataError('the dataset has no Pixel Data (7FE0,0010)');
  const need = (keyword: string): number => {
    const v = ds.number(keyword);
    if (v === undefined) throw new InvalidPixelModuleError(`Image Pixel module lacks ${keyword}`);
    return v;
  };
  const Rows = need('Rows');
  const Columns = need('Columns');
  const BitsAllocated = need('BitsAllocated');
  const BitsStored = ds.number('BitsStored') ?? BitsAllocated;
  const HighBit = ds.number('HighBit') ?? BitsStored - 1;
  const SamplesPerPixel = ds.number('SamplesPerPixel') ?? 1;
  const PixelRepresentation = ds.number('PixelRepresentation') ?? 0;
  const PhotometricInterpretation = (ds.string('PhotometricInterpretation') ?? (SamplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  const PlanarConfiguration = SamplesPerPixel > 1 ? (ds.number('PlanarConfiguration') ?? 0) : 0;
  const warnings: PixelModuleWarning[] = [];
  const NumberOfFrames = numberOfFrames(ds, warnings);
  const module: PixelModule = {
    Rows,
    Columns,
    SamplesPerPixel,
    BitsAllocated,
    BitsStored,
    HighBit,
    PixelRepresentation,
    PhotometricInterpretation,
    PlanarConfiguration,
    NumberOfFrames,
  };
  if (warnings.length) module.warnings = warnings;
  // PS3.3 C.7.5.1.1.2 / C.7.6.3.1.2: padding values are in the pixel's own representation
  if (ds.has('PixelPaddingValue')) module.PixelPaddingValue = signedIfNeeded(ds.number('PixelPaddingValue')!, PixelRepresentation, ds.vr('PixelPaddingValue'));
  if (ds.has('PixelPaddingRangeLimit'))
    module.PixelPaddingRangeLimit = signedIfNeeded(ds.number('PixelPaddingRangeLimit')!, PixelRepresentation, ds.vr('PixelPaddingRangeLimit'));
  checkPixelModule(module);
  return module;
}

function signedIfNeeded(value: number, pixelRepresentation: number, vr: string): number {
  // US/SS ambiguity: a value read as US for a signed image is a 16-bit two's complement
  return pixelRepresentation === 1 && vr === 'US' && value > 0x7fff ? value - 0x10000 : value;
}

/** PS3.5 8 and PS3.3 C.7.6.3.1: the ranges this decoder accepts. */
export function checkPixelModule(m: PixelModule): void {
  const fail = (why: string): never => {
    throw new InvalidPixelModuleError(why);
  };
  if (!(m.Rows > 0 && m.Columns > 0)) fail(`Rows ${m.Rows} x Columns ${m.Columns} is empty`);
  if (![1, 8, 16, 32].includes(m.BitsAllocated)) fail(`BitsAllocated ${m.BitsAllocated} is not 1, 8, 16 or 32`);
  if (!(m.BitsStored >= 1 && m.BitsStored <= m.BitsAllocated)) fail(`BitsStored ${m.BitsStored} is outside 1..BitsAllocated ${m.BitsAllocated}`);
  if (!(m.HighBit >= m.BitsStored - 1 && m.HighBit < m.BitsAllocated))
    fail(`HighBit ${m.HighBit} does not fit BitsStored ${m.BitsStored} in BitsAllocated ${m.BitsAllocated}`);
  if (m.PixelRepresentation !== 0 && m.PixelRepresentation !== 1) fail(`PixelRepresentation ${m.PixelRepresentation} is not 0 or 1`);
  if (m.SamplesPerPixel !== 1 && m.SamplesPerPixel !== 3) fail(`SamplesPerPixel ${m.SamplesPerPixel} is not 1 or 3`);
  if (m.PlanarConfiguration !== 0 && m.PlanarConfiguration !== 1) fail(`PlanarConfiguration ${m.PlanarConfiguration} is not 0 or 1`);
  if (m.Rows * m.Columns * m.SamplesPerPixel > 2 ** 31) fail('frame is too large');
}

/** Bytes of one native (uncompressed) frame (PS3.5 8.1.1, 8.2). YBR_FULL_422 holds two samples per pixel (PS3.3 C.7.6.3.1.2). */
export function nativeFrameLength(m: PixelModule): number {
  const pixels = m.Rows * m.Columns;
  if (m.BitsAllocated === 1) return Math.ceil((pixels * m.SamplesPerPixel) / 8);
  const samples = m.PhotometricInterpretation === 'YBR_FULL_422' && m.SamplesPerPixel === 3 ? pixels * 2 : pixels * m.SamplesPerPixel;
  return (samples * m.BitsAllocated) / 8;
}
