import * as dicomParser from 'dicom-parser';
import { DicomDataset } from '../dicom-dataset';
import { InvalidAttributeError } from '../dicom.errors';
import { lookupKeyword, parserKey } from '../dictionary';
import { findTransferSyntax } from '../transfer-syntax';

const key = (keyword: string) => parserKey(lookupKeyword(keyword).tag);

const SHARED = key('SharedFunctionalGroupsSequence');
const PER_FRAME = key('PerFrameFunctionalGroupsSequence');
const NUMBER_OF_FRAMES = key('NumberOfFrames');
const PIXEL_DATA = key('PixelData');
const FRAME_ACQUISITION_DATE_TIME = key('FrameAcquisitionDateTime');
const ACQUISITION_DATE_TIME = key('AcquisitionDateTime');

/** An enhanced multi-frame image: its frames described by functional groups (PS3.3 C.7.6.16). */
export function hasFunctionalGroups(ds: DicomDataset): boolean {
  return !!ds.raw.elements[PER_FRAME]?.items?.length;
}

/** The attributes of a functional groups item: the contents of each of its macros' one item (PS3.3 C.7.6.16.1). */
function macroElements(item: dicomParser.DataSet | undefined): Record<string, dicomParser.Element> {
  const out: Record<string, dicomParser.Element> = {};
  for (const group of Object.values(item?.elements ?? {})) {
    const inner = group.items?.[0]?.dataSet;
    if (!inner) continue;
    for (const [tag, element] of Object.entries(inner.elements)) out[tag] = element;
  }
  return out;
}

/**
 * The frames of an enhanced multi-frame image as single-frame datasets, as a classic image of each would read:
 * the image's own attributes, then those of the Shared Functional Groups, then the frame's own Per-frame Functional
 * Groups (PS3.3 C.7.6.16.1: a per-frame value wins), its Pixel Data the frame's bytes and no NumberOfFrames. Frame
 * Acquisition DateTime (C.7.6.16.2.2.1) is also read as the frame's AcquisitionDateTime. Views on the parsed bytes:
 * nothing is copied. Native (uncompressed) Pixel Data only; an image without functional groups is returned as it is.
 * A header read without Pixel Data gives frames without it (enough to recognise them).
 */
export function frameDatasets(ds: DicomDataset): DicomDataset[] {
  if (!hasFunctionalGroups(ds)) return [ds];
  const raw = ds.raw;
  const perFrame = raw.elements[PER_FRAME].items!;
  const frames = ds.number('NumberOfFrames') ?? perFrame.length;
  if (perFrame.length !== frames) throw new InvalidAttributeError('PerFrameFunctionalGroupsSequence', `${perFrame.length} items for ${frames} frames`);
  const pixels = raw.elements[PIXEL_DATA];
  let frameBytes = 0;
  if (pixels) {
    if (findTransferSyntax(ds.transferSyntaxUID)?.encapsulated || pixels.encapsulatedPixelData)
      throw new InvalidAttributeError('PixelData', 'frames of encapsulated (compressed) multi-frame images are not split yet');
    const bitsAllocated = ds.number('BitsAllocated') ?? 16;
    const samples = ds.number('SamplesPerPixel') ?? 1;
    frameBytes = ((ds.requireNumber('Rows') * ds.requireNumber('Columns') * samples * bitsAllocated) / 8) | 0;
    if (bitsAllocated % 8 !== 0) throw new InvalidAttributeError('BitsAllocated', `${bitsAllocated}: only whole bytes per sample are split`);
    if (pixels.length < frameBytes * frames) throw new InvalidAttributeError('PixelData', `${pixels.length} bytes for ${frames} frames of ${frameBytes}`);
  }
  const own: Record<string, dicomParser.Element> = { ...raw.elements };
  delete own[SHARED];
  delete own[PER_FRAME];
  delete own[NUMBER_OF_FRAMES];
  delete own[PIXEL_DATA];
  const shared = macroElements(raw.elements[SHARED]?.items?.[0]?.dataSet);
  return perFrame.map((item, k) => {
    const elements: Record<string, dicomParser.Element> = { ...own, ...shared, ...macroElements(item.dataSet) };
    const acquired = elements[FRAME_ACQUISITION_DATE_TIME];
    if (acquired) elements[ACQUISITION_DATE_TIME] = { ...acquired, tag: ACQUISITION_DATE_TIME };
    if (pixels) elements[PIXEL_DATA] = { ...pixels, dataOffset: pixels.dataOffset + k * frameBytes, length: frameBytes };
    // a parser dataset of the same class and bytes, with the frame's elements
    const view: dicomParser.DataSet = Object.assign(Object.create(Object.getPrototypeOf(raw)), raw, { elements });
    return new DicomDataset(view, ds.transferSyntaxUID, ds.littleEndian, ds.characterSet);
  });
}
