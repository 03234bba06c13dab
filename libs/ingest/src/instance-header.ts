import { readFile } from 'node:fs/promises';
import { DicomDataset, isValidUid, MissingAttributeError, readPart10 } from '@nidus/dicom';
import { UnusableUidError } from './ingest.errors';

/** Stop at Pixel Data: everything ingest needs is in front of it. */
const UNTIL_PIXEL_DATA = 'x7fe00010';

/**
 * Reads the header of a stored (or temp) Part 10 file: from the bytes kept in memory when they suffice,
 * else from the whole file (a header longer than the head, or a deflated data set). `path` may be a function, asked
 * only then (a temp file held in memory is written to disk only when read).
 */
export async function readInstanceHeader(head: Buffer, complete: boolean, path: string | (() => string)): Promise<DicomDataset> {
  try {
    const ds = readPart10(head, { untilTag: UNTIL_PIXEL_DATA });
    // a head that ends between two elements parses; without Pixel Data it may have missed some
    if (complete || ds.element('PixelData')) return ds;
  } catch (error) {
    if (complete) throw error;
  }
  return readPart10(await readFile(typeof path === 'string' ? path : path()), { untilTag: UNTIL_PIXEL_DATA });
}

/** Ingest's view of one instance: the UIDs that place it, and the attributes the index and routing use. */
export interface InstanceHeader {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  SOPInstanceUID: string;
  SOPClassUID: string;
  TransferSyntaxUID: string;
  InstanceNumber: number | null;
  study: {
    PatientID?: string;
    PatientName?: string;
    PatientSex?: string;
    PatientBirthDate?: string;
    PatientAge?: string;
    AccessionNumber?: string;
    StudyDate?: string;
    StudyTime?: string;
    StudyDescription?: string;
  };
  series: {
    Modality?: string;
    SeriesDescription?: string;
    BodyPartExamined?: string;
    SeriesNumber?: number;
    /** PS3.3 C.7.6.1 ImagesInAcquisition: the explicit count a series may announce */
    expectedInstanceCount?: number;
  };
  /** NumberOfTemporalPositions (PS3.3 C.7.6.2): a perfusion series announces its time points */
  NumberOfTemporalPositions?: number;
}

/** A UID that places the instance: a valid UI value (PS3.5 9.1: digits and dots, no leading zeros, at most 64), or refused. */
function uid(ds: DicomDataset, keyword: string): string {
  const value = ds.requireString(keyword, 'required to store the instance');
  if (!isValidUid(value)) throw new UnusableUidError(keyword, value);
  return value;
}

function text(ds: DicomDataset, keyword: string, max: number): string | undefined {
  try {
    return ds.string(keyword)?.slice(0, max);
  } catch {
    return undefined;
  }
}

function integer(ds: DicomDataset, keyword: string): number | undefined {
  try {
    const n = ds.number(keyword);
    return n !== undefined && Number.isFinite(n) ? Math.trunc(n) : undefined;
  } catch {
    return undefined; // a malformed IS is not a reason to refuse an image
  }
}

/**
 * The attributes ingest keeps. Study, Series and SOP Instance UIDs and the SOP Class are required
 * (PS3.3 C.7.2.1, C.7.3.1, C.12.1): MissingAttributeError otherwise. Text is cut to the index's columns.
 */
export function instanceHeaderOf(ds: DicomDataset): InstanceHeader {
  const SOPClassUID = uid(ds, 'SOPClassUID');
  const SOPInstanceUID = uid(ds, 'SOPInstanceUID');
  const StudyInstanceUID = uid(ds, 'StudyInstanceUID');
  const SeriesInstanceUID = uid(ds, 'SeriesInstanceUID');
  if (!ds.transferSyntaxUID) throw new MissingAttributeError('TransferSyntaxUID');
  const imagesInAcquisition = integer(ds, 'ImagesInAcquisition');
  return {
    StudyInstanceUID,
    SeriesInstanceUID,
    SOPInstanceUID,
    SOPClassUID,
    TransferSyntaxUID: ds.transferSyntaxUID,
    InstanceNumber: integer(ds, 'InstanceNumber') ?? null,
    study: {
      PatientID: text(ds, 'PatientID', 64),
      PatientName: text(ds, 'PatientName', 324),
      PatientSex: text(ds, 'PatientSex', 16),
      PatientBirthDate: text(ds, 'PatientBirthDate', 8),
      PatientAge: text(ds, 'PatientAge', 4),
      AccessionNumber: text(ds, 'AccessionNumber', 16),
      StudyDate: text(ds, 'StudyDate', 8),
      StudyTime: text(ds, 'StudyTime', 16),
      StudyDescription: text(ds, 'StudyDescription', 64),
    },
    series: {
      Modality: text(ds, 'Modality', 16),
      SeriesDescription: text(ds, 'SeriesDescription', 64),
      BodyPartExamined: text(ds, 'BodyPartExamined', 16),
      SeriesNumber: integer(ds, 'SeriesNumber'),
      expectedInstanceCount: imagesInAcquisition && imagesInAcquisition > 1 ? imagesInAcquisition : undefined,
    },
    NumberOfTemporalPositions: integer(ds, 'NumberOfTemporalPositions'),
  };
}
