import { CHARACTER_SET_VRS } from '../charset/character-set';
import { DicomDataset } from '../dicom-dataset';
import { EncodedText } from '../encoded-text';
import { lookupKeyword, lookupTag } from '../dictionary';
import { MissingAttributeError } from '../dicom.errors';
import type { DicomElements, DicomValue } from '../part10-writer';

/** The header of a source image: parsed (readPart10) or already as writer elements. */
export type SourceHeader = DicomDataset | DicomElements;

const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBER_VRS = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD']);

// Patient Module (PS3.3 C.7.1.1), Clinical Trial Subject (C.7.1.3); type 2 attributes marked so they are always written.
const PATIENT: [keyword: string, type2: boolean][] = [
  ['PatientName', true],
  ['PatientID', true],
  ['IssuerOfPatientID', false],
  ['IssuerOfPatientIDQualifiersSequence', false],
  ['TypeOfPatientID', false],
  ['PatientBirthDate', true],
  ['PatientBirthTime', false],
  ['PatientSex', true],
  ['QualityControlSubject', false],
  ['OtherPatientIDsSequence', false],
  ['OtherPatientNames', false],
  ['EthnicGroup', false],
  ['PatientComments', false],
  ['PatientSpeciesDescription', false],
  ['PatientSpeciesCodeSequence', false],
  ['PatientIdentityRemoved', false],
  ['DeidentificationMethod', false],
  ['DeidentificationMethodCodeSequence', false],
  ['ClinicalTrialSponsorName', false],
  ['ClinicalTrialProtocolID', false],
  ['ClinicalTrialProtocolName', false],
  ['ClinicalTrialSiteID', false],
  ['ClinicalTrialSiteName', false],
  ['ClinicalTrialSubjectID', false],
  ['ClinicalTrialSubjectReadingID', false],
];

// General Study (C.7.2.1), Patient Study (C.7.2.2), Clinical Trial Study (C.7.2.3).
const STUDY: [keyword: string, type2: boolean][] = [
  ['StudyInstanceUID', false],
  ['StudyDate', true],
  ['StudyTime', true],
  ['ReferringPhysicianName', true],
  ['ReferringPhysicianIdentificationSequence', false],
  ['ConsultingPhysicianName', false],
  ['StudyID', true],
  ['AccessionNumber', true],
  ['IssuerOfAccessionNumberSequence', false],
  ['StudyDescription', false],
  ['PhysiciansOfRecord', false],
  ['NameOfPhysiciansReadingStudy', false],
  ['ProcedureCodeSequence', false],
  ['ReasonForPerformedProcedureCodeSequence', false],
  ['AdmittingDiagnosesDescription', false],
  ['PatientAge', false],
  ['PatientSize', false],
  ['PatientWeight', false],
  ['Occupation', false],
  ['AdditionalPatientHistory', false],
  ['PregnancyStatus', false],
  ['SmokingStatus', false],
  ['ClinicalTrialTimePointID', false],
  ['ClinicalTrialTimePointDescription', false],
];

function isDataset(source: SourceHeader): source is DicomDataset {
  return source instanceof DicomDataset;
}

/** One attribute of a parsed dataset as a writer value (sequences recursively); undefined when absent. */
function valueOf(ds: DicomDataset, keyword: string): DicomValue | undefined {
  const element = ds.element(keyword);
  if (!element) return undefined;
  const vr = element.vr ?? lookupKeyword(keyword).vr;
  if (vr === 'SQ' || element.items) return ds.sequence(keyword).map(itemElements);
  if (element.length === 0) return null;
  // text in the source's character set is copied as its bytes, so the result says the same in the same set
  if (CHARACTER_SET_VRS.has(vr)) {
    const text = ds.encodedText(keyword)!;
    return new EncodedText(Uint8Array.from(text.bytes), text.characterSet, text.vr);
  }
  if (TEXT_VRS.has(vr)) return ds.string(keyword) ?? null;
  if (NUMBER_VRS.has(vr)) return ds.numbers(keyword);
  const bytes = ds.bytes(keyword);
  return bytes ? Uint8Array.from(bytes) : undefined;
}

/** All standard attributes of a sequence item (private and unknown ones are left out). */
function itemElements(item: DicomDataset): DicomElements {
  const out: DicomElements = {};
  for (const key of Object.keys(item.raw.elements)) {
    const entry = lookupTag(parseInt(key.slice(1), 16));
    if (!entry || entry.vr.includes('|')) continue;
    const value = valueOf(item, entry.keyword);
    if (value !== undefined) out[entry.keyword] = value;
  }
  return out;
}

/** Reads one attribute from a source header, whichever form it has. */
export function sourceValue(source: SourceHeader, keyword: string): DicomValue | undefined {
  return isDataset(source) ? valueOf(source, keyword) : source[keyword];
}

/** A text attribute of the source, decoded (by the source's character set when it is a parsed dataset). */
export function sourceString(source: SourceHeader, keyword: string): string | undefined {
  const value = sourceValue(source, keyword);
  if (value === undefined || value === null) return undefined;
  if (value instanceof EncodedText) return value.text() || undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.join('\\') || undefined;
  return undefined;
}

export function requireSourceString(source: SourceHeader, keyword: string): string {
  const value = sourceString(source, keyword);
  if (value === undefined) throw new MissingAttributeError(keyword, 'source image');
  return value;
}

function copy(source: SourceHeader, list: [string, boolean][]): DicomElements {
  const out: DicomElements = {};
  for (const [keyword, type2] of list) {
    const value = sourceValue(source, keyword);
    if (value !== undefined) out[keyword] = value;
    else if (type2) out[keyword] = null;
  }
  return out;
}

/**
 * The Patient and Study modules of the source, copied so the result files under the same patient and study
 * (PS3.3 C.7.1.1, C.7.2.1, C.7.2.2). SpecificCharacterSet comes along and text values are copied byte for byte
 * (EncodedText), so names stay exactly as the source wrote them in whatever set it used.
 */
export function patientStudyModules(source: SourceHeader): DicomElements {
  requireSourceString(source, 'StudyInstanceUID');
  return {
    SpecificCharacterSet: sourceValue(source, 'SpecificCharacterSet') ?? undefined,
    ...copy(source, PATIENT),
    ...copy(source, STUDY),
  };
}

/** Frame of Reference module (PS3.3 C.7.4.1): the source's, so a SEG lines up with its images. */
export function frameOfReferenceModule(source: SourceHeader): DicomElements {
  return {
    FrameOfReferenceUID: requireSourceString(source, 'FrameOfReferenceUID'),
    PositionReferenceIndicator: sourceValue(source, 'PositionReferenceIndicator') ?? null,
  };
}
