import type { DicomElements } from '../part10-writer';
import { deriveUid, generateUid } from '../uid';
import { NIDUS_CODING_SCHEME } from './coded-concept';

/**
 * What every Nidus result object (SEG, SR, SC) says about itself: who made it, in which new series,
 * and how far it may be trusted (ContentQualification).
 */
export interface ResultObjectOptions {
  /** Nidus's version: SoftwareVersions (PS3.3 C.7.5.1) */
  softwareVersion: string;
  /** root for new UIDs (generateUid(root)); without it UUID-derived 2.25 UIDs */
  uidRoot?: string;
  /**
   * a stable seed (for example the job id): the same seed gives the same Series/SOP Instance UIDs, so a job that
   * runs again replaces its objects in the PACS instead of adding a second copy. Without it, UIDs are random.
   */
  uidSeed?: string;
  /**
   * PS3.3 C.8.13.2.1.1 (Content Qualification): PRODUCT, RESEARCH or SERVICE. Default RESEARCH: Nidus is not a
   * cleared medical device, so its objects must not pass for a product's; a regulated deployment sets PRODUCT.
   */
  contentQualification?: 'PRODUCT' | 'RESEARCH' | 'SERVICE';
  manufacturerModelName?: string;
  /** Enhanced General Equipment requires it (type 1): the deployment's identity; default "NIDUS" */
  deviceSerialNumber?: string;
  institutionName?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  /** creation time (default now); fixes ContentDate/ContentTime in tests */
  now?: Date;
}

export const NIDUS_MANUFACTURER = 'Nidus';

/** A fresh or seed-derived UID for one purpose ('seg-series', 'seg-instance', ...). */
export function resultUid(options: Pick<ResultObjectOptions, 'uidRoot' | 'uidSeed'>, purpose: string): string {
  return options.uidSeed ? deriveUid(`${options.uidSeed}/${purpose}`, options.uidRoot) : generateUid(options.uidRoot);
}

/** DA and TM in UTC (PS3.5 6.2), with TimezoneOffsetFromUTC +0000 written beside them. */
export function dicomDateTime(date: Date): { date: string; time: string } {
  const iso = date.toISOString(); // 2024-05-01T12:34:56.789Z
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 23).replace(/:/g, '') };
}

/**
 * General Series + General Equipment + Enhanced General Equipment + SOP Common parts shared by the result
 * objects (PS3.3 C.7.3.1, C.7.5.1, C.7.5.2, C.12.1). The caller adds Modality-specific series attributes.
 */
export function resultObjectElements(
  options: ResultObjectOptions,
  kind: { SOPClassUID: string; SOPInstanceUID: string; SeriesInstanceUID: string; defaultSeriesNumber: number; defaultSeriesDescription: string },
): DicomElements {
  const now = dicomDateTime(options.now ?? new Date());
  return {
    SOPClassUID: kind.SOPClassUID,
    SOPInstanceUID: kind.SOPInstanceUID,
    InstanceCreationDate: now.date,
    InstanceCreationTime: now.time,
    TimezoneOffsetFromUTC: '+0000',
    SeriesInstanceUID: kind.SeriesInstanceUID,
    SeriesNumber: options.seriesNumber ?? kind.defaultSeriesNumber,
    SeriesDescription: options.seriesDescription ?? kind.defaultSeriesDescription,
    SeriesDate: now.date,
    SeriesTime: now.time,
    ContentDate: now.date,
    ContentTime: now.time,
    Manufacturer: NIDUS_MANUFACTURER,
    ManufacturerModelName: options.manufacturerModelName ?? 'Nidus',
    DeviceSerialNumber: options.deviceSerialNumber ?? 'NIDUS',
    SoftwareVersions: options.softwareVersion,
    InstitutionName: options.institutionName,
    ContentQualification: options.contentQualification ?? 'RESEARCH',
  };
}

/** CodingSchemeIdentificationSequence (PS3.3 C.12.1) declaring the private 99NIDUS scheme. */
export function nidusCodingSchemeIdentification(): DicomElements[] {
  return [{ ...NIDUS_CODING_SCHEME }];
}
