import { SopClass } from '../sop-class';
import { InvalidAttributeError } from '../dicom.errors';
import { DicomElements, writePart10 } from '../part10-writer';
import { CodedConcept, Codes, NIDUS_CODING_SCHEME } from './coded-concept';
import { nidusCodingSchemeIdentification, resultObjectElements, ResultObjectOptions, resultUid } from './result-object';
import type { BuiltDicomObject } from './segmentation.builder';
import { patientStudyModules, requireSourceString, SourceHeader, sourceString } from './source-header';
import { ContentItem, contentItemElements, NumItem } from './sr-content';

export const COMPREHENSIVE_3D_SR_STORAGE = SopClass.Comprehensive3DSRStorage;

/** A referenced composite instance (PS3.3 C.17.2.2 Hierarchical SOP Instance Reference). */
export interface InstanceReference {
  SOPClassUID: string;
  SOPInstanceUID: string;
  SeriesInstanceUID: string;
}

/** A derivation parameter of a measurement (TID 1419 row 13, INFERRED FROM NUM): a threshold, for example. */
export interface DerivationParameter {
  concept: CodedConcept;
  value: number;
  unit: CodedConcept;
}

/** One numeric measurement (TID 1419 / TID 1501 NUM). */
export interface Measurement {
  concept: CodedConcept;
  /** null when there is no value (for example a ratio over zero); give nullReason from CID 42 */
  value: number | null;
  unit: CodedConcept;
  nullReason?: CodedConcept;
  derivationParameters?: readonly DerivationParameter[];
}

/** TID 1411 Volumetric ROI Measurements: measurements of one segment of a SEG. */
export interface VolumetricGroup {
  trackingIdentifier: string;
  trackingUid?: string;
  segmentNumber: number;
  finding: CodedConcept;
  findingSite?: CodedConcept;
  measurements: readonly Measurement[];
}

/** TID 1501 Measurement and Qualitative Evaluation Group: measurements not tied to one segment. */
export interface MeasurementGroup {
  trackingIdentifier: string;
  trackingUid?: string;
  finding?: CodedConcept;
  measurements: readonly Measurement[];
}

/**
 * A coded (or free text) evaluation of the whole study, e.g. "DEFUSE 3 criteria met" = Yes, or a model's finding =
 * Present; `properties` are numbers about it (a model's probability), written as HAS PROPERTIES NUM children.
 */
export type QualitativeEvaluation =
  | { concept: CodedConcept; code: CodedConcept; properties?: readonly Measurement[] }
  | { concept: CodedConcept; text: string; properties?: readonly Measurement[] };

export interface MeasurementReportInput {
  /** a source image: Patient and Study modules are copied from it */
  source: SourceHeader;
  /** TID 1500 row 4 (CID 100); default (363679005, SCT, "Imaging procedure") */
  procedureReported?: readonly CodedConcept[];
  /** TID 4019 Algorithm Identification of every measurement */
  algorithm: { name: string; version: string };
  /** the Device observer (TID 1004); its UID should stay the same for one installation */
  observer: { uid: string; name: string; modelName?: string };
  /** TID 1600 Image Library: the source images the measurements come from */
  imageLibrary: readonly InstanceReference[];
  /** the SEG whose segments the volumetric groups measure */
  segmentation?: InstanceReference;
  /** the series the SEG segments ("Source series for segmentation") */
  sourceSeriesInstanceUID?: string;
  volumetricGroups?: readonly VolumetricGroup[];
  groups?: readonly MeasurementGroup[];
  qualitativeEvaluations?: readonly QualitativeEvaluation[];
}

function algorithmModifiers(algorithm: MeasurementReportInput['algorithm']): ContentItem[] {
  // TID 4019, included by TID 1419 row 20 with HAS CONCEPT MOD
  return [
    { RelationshipType: 'HAS CONCEPT MOD', ValueType: 'TEXT', ConceptName: Codes.AlgorithmName, TextValue: algorithm.name },
    { RelationshipType: 'HAS CONCEPT MOD', ValueType: 'TEXT', ConceptName: Codes.AlgorithmVersion, TextValue: algorithm.version },
  ];
}

function measurementItem(m: Measurement, algorithm: MeasurementReportInput['algorithm']): NumItem {
  if (m.value === null && !m.nullReason) throw new InvalidAttributeError('NumericValue', `${m.concept.CodeMeaning} has no value and no reason`);
  return {
    RelationshipType: 'CONTAINS',
    ValueType: 'NUM',
    ConceptName: m.concept,
    value: m.value,
    unit: m.unit,
    NumericValueQualifier: m.value === null ? m.nullReason : undefined,
    children: [
      ...algorithmModifiers(algorithm),
      ...(m.derivationParameters ?? []).map((p): NumItem => ({
        RelationshipType: 'INFERRED FROM',
        ValueType: 'NUM',
        ConceptName: p.concept,
        value: p.value,
        unit: p.unit,
      })),
    ],
  };
}

function trackingItems(identifier: string, uid: string): ContentItem[] {
  return [
    { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'TEXT', ConceptName: Codes.TrackingIdentifier, TextValue: identifier },
    { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'UIDREF', ConceptName: Codes.TrackingUniqueIdentifier, UID: uid },
  ];
}

function collectConcepts(item: ContentItem, out: CodedConcept[]): void {
  if (item.ConceptName) out.push(item.ConceptName);
  if (item.ValueType === 'CODE') out.push(item.ConceptCode);
  if (item.ValueType === 'NUM') out.push(item.unit);
  item.children?.forEach((c) => collectConcepts(c, out));
}

/** Groups references by series for CurrentRequestedProcedureEvidenceSequence (PS3.3 C.17.2.3). */
function evidence(StudyInstanceUID: string, references: readonly InstanceReference[]): DicomElements[] {
  const bySeries = new Map<string, InstanceReference[]>();
  for (const r of references) {
    const list = bySeries.get(r.SeriesInstanceUID) ?? [];
    if (!list.some((x) => x.SOPInstanceUID === r.SOPInstanceUID)) list.push(r);
    bySeries.set(r.SeriesInstanceUID, list);
  }
  return [
    {
      StudyInstanceUID,
      ReferencedSeriesSequence: [...bySeries.entries()].map(([SeriesInstanceUID, list]) => ({
        SeriesInstanceUID,
        ReferencedSOPSequence: list.map((r) => ({ ReferencedSOPClassUID: r.SOPClassUID, ReferencedSOPInstanceUID: r.SOPInstanceUID })),
      })),
    },
  ];
}

/**
 * A Comprehensive 3D SR holding a TID 1500 Measurement Report (PS3.16 TID 1500, 1411, 1501, 1600, 4019; PS3.3 A.35.13),
 * the form IHE AI Results and viewers (OHIF) read.
 */
export function buildMeasurementReport(input: MeasurementReportInput, options: ResultObjectOptions): BuiltDicomObject {
  const StudyInstanceUID = requireSourceString(input.source, 'StudyInstanceUID');
  const volumetric = input.volumetricGroups ?? [];
  if (volumetric.length && (!input.segmentation || !input.sourceSeriesInstanceUID)) {
    throw new InvalidAttributeError('ReferencedSOPSequence', 'volumetric measurements need the segmentation and its source series');
  }
  const SOPInstanceUID = resultUid(options, 'sr-instance');
  const SeriesInstanceUID = resultUid(options, 'sr-series');

  const library: ContentItem = {
    RelationshipType: 'CONTAINS',
    ValueType: 'CONTAINER',
    ConceptName: Codes.ImageLibrary,
    children: [
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ConceptName: Codes.ImageLibraryGroup,
        children: [
          // TID 1602 descriptors shared by the group
          ...(sourceString(input.source, 'Modality')
            ? [
                {
                  RelationshipType: 'HAS ACQ CONTEXT',
                  ValueType: 'CODE',
                  ConceptName: Codes.Modality,
                  ConceptCode: modalityCode(sourceString(input.source, 'Modality')!),
                } as ContentItem,
              ]
            : []),
          ...(sourceString(input.source, 'StudyDate')
            ? [
                {
                  RelationshipType: 'HAS ACQ CONTEXT',
                  ValueType: 'DATE',
                  ConceptName: Codes.StudyDate,
                  Date: sourceString(input.source, 'StudyDate')!,
                } as ContentItem,
              ]
            : []),
          ...(sourceString(input.source, 'FrameOfReferenceUID')
            ? [
                {
                  RelationshipType: 'HAS ACQ CONTEXT',
                  ValueType: 'UIDREF',
                  ConceptName: Codes.FrameOfReferenceUID,
                  UID: sourceString(input.source, 'FrameOfReferenceUID')!,
                } as ContentItem,
              ]
            : []),
          ...input.imageLibrary.map((r): ContentItem => ({
            RelationshipType: 'CONTAINS',
            ValueType: 'IMAGE',
            ReferencedSOPClassUID: r.SOPClassUID,
            ReferencedSOPInstanceUID: r.SOPInstanceUID,
          })),
        ],
      },
    ],
  };

  const volumetricItems: ContentItem[] = volumetric.map((g, i) => ({
    RelationshipType: 'CONTAINS',
    ValueType: 'CONTAINER',
    ConceptName: Codes.MeasurementGroup,
    TemplateIdentifier: '1411',
    children: [
      ...trackingItems(g.trackingIdentifier, g.trackingUid ?? resultUid(options, `sr-tracking-volumetric-${i}`)),
      { RelationshipType: 'CONTAINS', ValueType: 'CODE', ConceptName: Codes.Finding, ConceptCode: g.finding },
      ...(g.findingSite
        ? [{ RelationshipType: 'HAS CONCEPT MOD', ValueType: 'CODE', ConceptName: Codes.FindingSite, ConceptCode: g.findingSite } as ContentItem]
        : []),
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'IMAGE',
        ConceptName: Codes.ReferencedSegment,
        ReferencedSOPClassUID: input.segmentation!.SOPClassUID,
        ReferencedSOPInstanceUID: input.segmentation!.SOPInstanceUID,
        ReferencedSegmentNumber: g.segmentNumber,
      },
      { RelationshipType: 'CONTAINS', ValueType: 'UIDREF', ConceptName: Codes.SourceSeriesForSegmentation, UID: input.sourceSeriesInstanceUID! },
      ...g.measurements.map((m) => measurementItem(m, input.algorithm)),
    ],
  }));

  const groupItems: ContentItem[] = (input.groups ?? []).map((g, i) => ({
    RelationshipType: 'CONTAINS',
    ValueType: 'CONTAINER',
    ConceptName: Codes.MeasurementGroup,
    TemplateIdentifier: '1501',
    children: [
      ...trackingItems(g.trackingIdentifier, g.trackingUid ?? resultUid(options, `sr-tracking-group-${i}`)),
      ...(g.finding ? [{ RelationshipType: 'CONTAINS', ValueType: 'CODE', ConceptName: Codes.Finding, ConceptCode: g.finding } as ContentItem] : []),
      ...g.measurements.map((m) => measurementItem(m, input.algorithm)),
    ],
  }));

  const evaluations = input.qualitativeEvaluations ?? [];
  const root: ContentItem = {
    ValueType: 'CONTAINER',
    ConceptName: Codes.ImagingMeasurementReport,
    TemplateIdentifier: '1500',
    children: [
      // TID 1204 Language of Content Item and Descendants
      {
        RelationshipType: 'HAS CONCEPT MOD',
        ValueType: 'CODE',
        ConceptName: Codes.LanguageOfContentItemAndDescendants,
        ConceptCode: Codes.EnglishUS,
        children: [{ RelationshipType: 'HAS CONCEPT MOD', ValueType: 'CODE', ConceptName: Codes.CountryOfLanguage, ConceptCode: Codes.UnitedStates }],
      },
      // TID 1001 / 1002 / 1004 Observation Context: a device made this report
      { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'CODE', ConceptName: Codes.ObserverType, ConceptCode: Codes.Device },
      { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'UIDREF', ConceptName: Codes.DeviceObserverUID, UID: input.observer.uid },
      { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'TEXT', ConceptName: Codes.DeviceObserverName, TextValue: input.observer.name },
      { RelationshipType: 'HAS OBS CONTEXT', ValueType: 'TEXT', ConceptName: Codes.DeviceObserverManufacturer, TextValue: 'Nidus' },
      ...(input.observer.modelName
        ? [
            {
              RelationshipType: 'HAS OBS CONTEXT',
              ValueType: 'TEXT',
              ConceptName: Codes.DeviceObserverModelName,
              TextValue: input.observer.modelName,
            } as ContentItem,
          ]
        : []),
      ...(input.procedureReported ?? [Codes.ImagingProcedure]).map((p): ContentItem => ({
        RelationshipType: 'HAS CONCEPT MOD',
        ValueType: 'CODE',
        ConceptName: Codes.ProcedureReported,
        ConceptCode: p,
      })),
      library,
      ...(volumetricItems.length || groupItems.length
        ? [
            {
              RelationshipType: 'CONTAINS',
              ValueType: 'CONTAINER',
              ConceptName: Codes.ImagingMeasurements,
              children: [...volumetricItems, ...groupItems],
            } as ContentItem,
          ]
        : []),
      ...(evaluations.length
        ? [
            {
              RelationshipType: 'CONTAINS',
              ValueType: 'CONTAINER',
              ConceptName: Codes.QualitativeEvaluations,
              children: evaluations.map((e): ContentItem => {
                const children = e.properties?.length
                  ? e.properties.map((m) => ({ ...measurementItem(m, input.algorithm), RelationshipType: 'HAS PROPERTIES' as const }))
                  : undefined;
                return 'code' in e
                  ? { RelationshipType: 'CONTAINS', ValueType: 'CODE', ConceptName: e.concept, ConceptCode: e.code, children }
                  : { RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptName: e.concept, TextValue: e.text, children };
              }),
            } as ContentItem,
          ]
        : []),
    ],
  };

  const references: InstanceReference[] = [...input.imageLibrary, ...(input.segmentation ? [input.segmentation] : [])];
  const concepts: CodedConcept[] = [];
  collectConcepts(root, concepts);
  const usesPrivate = concepts.some((c) => c.CodingSchemeDesignator === NIDUS_CODING_SCHEME.CodingSchemeDesignator);

  const elements: DicomElements = {
    ...patientStudyModules(input.source),
    ...resultObjectElements(options, {
      SOPClassUID: COMPREHENSIVE_3D_SR_STORAGE,
      SOPInstanceUID,
      SeriesInstanceUID,
      defaultSeriesNumber: 9902,
      defaultSeriesDescription: 'NIDUS CTP REPORT',
    }),
    // SR Document Series (C.17.1)
    Modality: 'SR',
    ReferencedPerformedProcedureStepSequence: [],
    // SR Document General (C.17.2)
    InstanceNumber: 1,
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: evidence(StudyInstanceUID, references),
    CodingSchemeIdentificationSequence: usesPrivate ? nidusCodingSchemeIdentification() : undefined,
    // SR Document Content (C.17.3)
    ...contentItemElements(root, true),
  };

  return { SOPClassUID: COMPREHENSIVE_3D_SR_STORAGE, SOPInstanceUID, SeriesInstanceUID, bytes: writePart10(elements) };
}

/** Modality as a code (PS3.16 CID 29 / CID 33: DCM, the Modality value itself). */
function modalityCode(modality: string): CodedConcept {
  const meanings: Record<string, string> = {
    CT: 'Computed Tomography',
    MR: 'Magnetic Resonance',
    CR: 'Computed Radiography',
    DX: 'Digital Radiography',
    PT: 'Positron emission tomography',
    US: 'Ultrasound',
  };
  return { CodeValue: modality, CodingSchemeDesignator: 'DCM', CodeMeaning: meanings[modality] ?? modality };
}
