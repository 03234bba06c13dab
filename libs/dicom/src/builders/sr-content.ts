import type { DicomDataset } from '../dicom-dataset';
import { InvalidAttributeError } from '../dicom.errors';
import type { DicomElements } from '../part10-writer';
import { CodedConcept, codeSequence } from './coded-concept';

/** Relationship between a content item and its parent (PS3.3 C.17.3.2.4). */
export type RelationshipType = 'CONTAINS' | 'HAS PROPERTIES' | 'HAS CONCEPT MOD' | 'HAS OBS CONTEXT' | 'HAS ACQ CONTEXT' | 'INFERRED FROM' | 'SELECTED FROM';

interface ItemBase {
  /** omitted only at the root */
  RelationshipType?: RelationshipType;
  ConceptName?: CodedConcept;
  children?: ContentItem[];
}

export interface ContainerItem extends ItemBase {
  ValueType: 'CONTAINER';
  ConceptName: CodedConcept;
  /** TID of the template this container starts (ContentTemplateSequence, DCMR) */
  TemplateIdentifier?: string;
}
export interface TextItem extends ItemBase {
  ValueType: 'TEXT';
  ConceptName: CodedConcept;
  TextValue: string;
}
export interface CodeItem extends ItemBase {
  ValueType: 'CODE';
  ConceptName: CodedConcept;
  ConceptCode: CodedConcept;
}
export interface UidRefItem extends ItemBase {
  ValueType: 'UIDREF';
  ConceptName: CodedConcept;
  UID: string;
}
export interface DateItem extends ItemBase {
  ValueType: 'DATE';
  ConceptName: CodedConcept;
  Date: string;
}
export interface NumItem extends ItemBase {
  ValueType: 'NUM';
  ConceptName: CodedConcept;
  /** null: no value, and NumericValueQualifier says why (PS3.3 C.18.1.1) */
  value: number | null;
  unit: CodedConcept;
  /** PS3.16 CID 42, e.g. (114003, DCM, "Divide by zero") */
  NumericValueQualifier?: CodedConcept;
}
export interface ImageItem extends ItemBase {
  ValueType: 'IMAGE';
  ReferencedSOPClassUID: string;
  ReferencedSOPInstanceUID: string;
  ReferencedSegmentNumber?: number;
  ReferencedFrameNumber?: number;
}

export type ContentItem = ContainerItem | TextItem | CodeItem | UidRefItem | DateItem | NumItem | ImageItem;

/** DS holds at most 16 characters (PS3.5 6.2); the same formatting the writer uses, to know when precision is lost. */
function decimalString(value: number): string {
  let s = String(value);
  for (let digits = 12; s.length > 16 && digits > 0; digits--) s = String(Number(value.toPrecision(digits)));
  return s;
}

/** The value attributes of one content item (PS3.3 C.17.3, Table C.17-5 / C.18.x). */
function valueElements(item: ContentItem): DicomElements {
  switch (item.ValueType) {
    case 'CONTAINER':
      return {
        ContinuityOfContent: 'SEPARATE',
        ContentTemplateSequence: item.TemplateIdentifier ? [{ MappingResource: 'DCMR', TemplateIdentifier: item.TemplateIdentifier }] : undefined,
      };
    case 'TEXT':
      return { TextValue: item.TextValue };
    case 'CODE':
      return { ConceptCodeSequence: codeSequence(item.ConceptCode) };
    case 'UIDREF':
      return { UID: item.UID };
    case 'DATE':
      return { Date: item.Date };
    case 'NUM': {
      if (item.value === null) {
        if (!item.NumericValueQualifier)
          throw new InvalidAttributeError('NumericValueQualifierCodeSequence', `NUM ${item.ConceptName.CodeMeaning} without a value needs a qualifier`);
        return { MeasuredValueSequence: [], NumericValueQualifierCodeSequence: codeSequence(item.NumericValueQualifier) };
      }
      if (!Number.isFinite(item.value)) throw new InvalidAttributeError('NumericValue', `${item.ConceptName.CodeMeaning} is ${item.value}`);
      const text = decimalString(item.value);
      return {
        MeasuredValueSequence: [
          {
            MeasurementUnitsCodeSequence: codeSequence(item.unit),
            NumericValue: text,
            // PS3.3 C.18.1.1: the exact binary value when the decimal string cannot hold it
            FloatingPointValue: Number(text) === item.value ? undefined : new Float64Array([item.value]),
          },
        ],
      };
    }
    case 'IMAGE':
      return {
        ReferencedSOPSequence: [
          {
            ReferencedSOPClassUID: item.ReferencedSOPClassUID,
            ReferencedSOPInstanceUID: item.ReferencedSOPInstanceUID,
            ReferencedSegmentNumber: item.ReferencedSegmentNumber,
            ReferencedFrameNumber: item.ReferencedFrameNumber,
          },
        ],
      };
  }
}

/** One content item with its ContentSequence, as writer elements (PS3.3 C.17.3 SR Document Content). */
export function contentItemElements(item: ContentItem, isRoot = false): DicomElements {
  if (!isRoot && !item.RelationshipType) throw new InvalidAttributeError('RelationshipType', `${item.ValueType} item needs a relationship to its parent`);
  return {
    RelationshipType: isRoot ? undefined : item.RelationshipType,
    ValueType: item.ValueType,
    ConceptNameCodeSequence: item.ConceptName ? codeSequence(item.ConceptName) : undefined,
    ...valueElements(item),
    ContentSequence: item.children?.length ? item.children.map((child) => contentItemElements(child)) : undefined,
  };
}

/** One content item read back from an SR, with the concept names from the root down to it. */
export interface ContentNode {
  /** CodeMeanings of the concept names, the item's own last */
  path: string[];
  ValueType: string;
  RelationshipType?: string;
  /** NUM: the number (FloatingPointValue when present) or null; CODE: CodeMeaning; TEXT, UIDREF: the text; IMAGE: the SOP Instance UID */
  value?: number | string | null;
  /** NUM: the unit's CodeValue (UCUM) */
  unit?: string;
  /** NUM without a value: NumericValueQualifier CodeValue */
  qualifier?: string;
  /** CODE: the value's CodeValue */
  codeValue?: string;
  /** IMAGE: ReferencedSegmentNumber */
  segment?: number;
}

/** Walks an SR's content tree depth-first (PS3.3 C.17.3), for tests and for readers of Nidus's own reports. */
export function flattenContent(ds: DicomDataset, path: string[] = [], out: ContentNode[] = []): ContentNode[] {
  for (const item of ds.sequence('ContentSequence')) {
    const name = item.sequence('ConceptNameCodeSequence')[0]?.string('CodeMeaning') ?? '';
    const here = [...path, name];
    const node: ContentNode = { path: here, ValueType: item.requireString('ValueType'), RelationshipType: item.string('RelationshipType') };
    if (node.ValueType === 'NUM') {
      const measured = item.sequence('MeasuredValueSequence')[0];
      node.value = measured ? (measured.number('FloatingPointValue') ?? measured.requireNumber('NumericValue')) : null;
      node.unit = measured?.sequence('MeasurementUnitsCodeSequence')[0]?.string('CodeValue');
      node.qualifier = item.sequence('NumericValueQualifierCodeSequence')[0]?.string('CodeValue');
    } else if (node.ValueType === 'CODE') {
      const concept = item.sequence('ConceptCodeSequence')[0];
      node.value = concept?.string('CodeMeaning');
      node.codeValue = concept?.string('CodeValue');
    } else if (node.ValueType === 'TEXT') node.value = item.string('TextValue');
    else if (node.ValueType === 'UIDREF') node.value = item.string('UID');
    else if (node.ValueType === 'IMAGE') {
      const ref = item.sequence('ReferencedSOPSequence')[0];
      node.value = ref?.string('ReferencedSOPInstanceUID');
      node.segment = ref?.number('ReferencedSegmentNumber');
    }
    out.push(node);
    flattenContent(item, here, out);
  }
  return out;
}
