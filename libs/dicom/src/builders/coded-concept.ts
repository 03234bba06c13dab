import type { DicomElements } from '../part10-writer';

/** A coded concept (PS3.3 8.8 Code Sequence Macro, basic form). */
export interface CodedConcept {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

export function code(CodeValue: string, CodingSchemeDesignator: string, CodeMeaning: string): CodedConcept {
  return { CodeValue, CodingSchemeDesignator, CodeMeaning };
}

/** One item of a Code Sequence (PS3.3 Table 8.8-1). CodeValue over 16 characters goes to LongCodeValue. */
export function codeItem(concept: CodedConcept): DicomElements {
  const long = concept.CodeValue.length > 16;
  return {
    CodeValue: long ? undefined : concept.CodeValue,
    LongCodeValue: long ? concept.CodeValue : undefined,
    CodingSchemeDesignator: concept.CodingSchemeDesignator,
    CodeMeaning: concept.CodeMeaning.slice(0, 64), // LO
  };
}

export function codeSequence(concept: CodedConcept): DicomElements[] {
  return [codeItem(concept)];
}

/**
 * Nidus's private coding scheme for concepts no public terminology has (eligibility criteria, mismatch ratio).
 * PS3.16 8.2: private coding scheme designators begin with "99"; declared in CodingSchemeIdentificationSequence.
 */
export const NIDUS_CODING_SCHEME = {
  CodingSchemeDesignator: '99NIDUS',
  CodingSchemeName: 'Nidus local codes',
  CodingSchemeResponsibleOrganization: 'Nidus project',
} as const;

/** Codes used by the result objects (PS3.16; SNOMED CT via SCT, DICOM via DCM, units via UCUM). */
export const Codes = {
  // SEG (PS3.16 CID 7150 / 7151 / 7159, CID 7203 derivation, CID 7202 purpose of reference)
  MorphologicallyAlteredStructure: code('49755003', 'SCT', 'Morphologically Altered Structure'),
  Tissue: code('85756007', 'SCT', 'Tissue'),
  Infarct: code('55641003', 'SCT', 'Infarct'),
  Ischemia: code('52674009', 'SCT', 'Ischemia'),
  Brain: code('12738006', 'SCT', 'Brain'),
  Segmentation: code('113076', 'DCM', 'Segmentation'),
  SourceImageForImageProcessingOperation: code('121322', 'DCM', 'Source image for image processing operation'),
  // SR TID 1500 and its sub-templates
  ImagingMeasurementReport: code('126000', 'DCM', 'Imaging Measurement Report'),
  LanguageOfContentItemAndDescendants: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  EnglishUS: code('en-US', 'RFC5646', 'English (United States)'),
  CountryOfLanguage: code('121046', 'DCM', 'Country of Language'),
  UnitedStates: code('US', 'ISO3166_1', 'United States'),
  ObserverType: code('121005', 'DCM', 'Observer Type'),
  Device: code('121007', 'DCM', 'Device'),
  DeviceObserverUID: code('121012', 'DCM', 'Device Observer UID'),
  DeviceObserverName: code('121013', 'DCM', 'Device Observer Name'),
  DeviceObserverManufacturer: code('121014', 'DCM', 'Device Observer Manufacturer'),
  DeviceObserverModelName: code('121015', 'DCM', 'Device Observer Model Name'),
  ProcedureReported: code('121058', 'DCM', 'Procedure reported'),
  ImagingProcedure: code('363679005', 'SCT', 'Imaging procedure'),
  ImageLibrary: code('111028', 'DCM', 'Image Library'),
  ImageLibraryGroup: code('126200', 'DCM', 'Image Library Group'),
  Modality: code('121139', 'DCM', 'Modality'),
  StudyDate: code('111060', 'DCM', 'Study Date'),
  FrameOfReferenceUID: code('112227', 'DCM', 'Frame of Reference UID'),
  ImagingMeasurements: code('126010', 'DCM', 'Imaging Measurements'),
  MeasurementGroup: code('125007', 'DCM', 'Measurement Group'),
  TrackingIdentifier: code('112039', 'DCM', 'Tracking Identifier'),
  TrackingUniqueIdentifier: code('112040', 'DCM', 'Tracking Unique Identifier'),
  Finding: code('121071', 'DCM', 'Finding'),
  FindingSite: code('363698007', 'SCT', 'Finding Site'),
  ReferencedSegment: code('121191', 'DCM', 'Referenced Segment'),
  SourceSeriesForSegmentation: code('121232', 'DCM', 'Source series for segmentation'),
  Volume: code('118565006', 'SCT', 'Volume'),
  AlgorithmName: code('111001', 'DCM', 'Algorithm Name'),
  AlgorithmVersion: code('111003', 'DCM', 'Algorithm Version'),
  QualitativeEvaluations: code('C0034375', 'UMLS', 'Qualitative Evaluations'),
  Laterality: code('272741003', 'SCT', 'Laterality'),
  Left: code('7771000', 'SCT', 'Left'),
  Right: code('24028007', 'SCT', 'Right'),
  Yes: code('373066001', 'SCT', 'Yes'),
  No: code('373067005', 'SCT', 'No'),
  // units (UCUM, PS3.16 CID 82)
  Milliliter: code('mL', 'UCUM', 'milliliter'),
  Ratio: code('{ratio}', 'UCUM', 'ratio'),
  Second: code('s', 'UCUM', 'second'),
  Percent: code('%', 'UCUM', 'percent'),
  MlPer100gPerMin: code('mL/(100.g)/min', 'UCUM', 'milliliter per 100 gram per minute'),
  MlPer100g: code('mL/(100.g)', 'UCUM', 'milliliter per 100 gram'),
  // perfusion map quantities (no PS3.16 code names these deconvolution outputs)
  Tmax: code('TMAX', '99NIDUS', 'Time to maximum of the residue function'),
  RelativeCbf: code('RCBF', '99NIDUS', 'Cerebral blood flow relative to normal tissue'),
  CerebralBloodFlow: code('CBF', '99NIDUS', 'Cerebral blood flow'),
  CerebralBloodVolume: code('CBV', '99NIDUS', 'Cerebral blood volume'),
  MeanTransitTime: code('MTT', '99NIDUS', 'Mean transit time'),
  // Nidus private concepts
  PerfusionMismatch: code('MISMATCH', '99NIDUS', 'Perfusion mismatch'),
  MismatchRatio: code('MISMATCHRATIO', '99NIDUS', 'Mismatch ratio'),
  HypoperfusionIntensityRatio: code('HIR', '99NIDUS', 'Hypoperfusion intensity ratio'),
  TmaxThreshold: code('TMAXTHRESHOLD', '99NIDUS', 'Tmax threshold'),
  RelativeCbfThreshold: code('RCBFTHRESHOLD', '99NIDUS', 'Relative CBF threshold'),
  Defuse3Eligible: code('DEFUSE3', '99NIDUS', 'DEFUSE 3 perfusion criteria met'),
  ExtendEligible: code('EXTEND', '99NIDUS', 'EXTEND perfusion criteria met'),
  AnalysisWarning: code('WARNING', '99NIDUS', 'Analysis warning'),
} as const;
