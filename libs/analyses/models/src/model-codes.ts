import { code, type CodedConcept } from '@nidus/dicom';
import type { CodedConcept as ManifestCode } from '@nidus/inference';

/** A manifest's code ({ scheme, value, meaning }) as a DICOM coded concept (PS3.3 8.8). */
export function dicomCode(c: ManifestCode): CodedConcept {
  return code(c.value, c.scheme, c.meaning);
}

/** Codes of the findings models' results (PS3.16; SNOMED CT via SCT, units via UCUM). */
export const ModelCodes = {
  Present: code('52101004', 'SCT', 'Present'),
  Absent: code('2667000', 'SCT', 'Absent'),
  Diameter: code('81827009', 'SCT', 'Diameter'),
  Millimeter: code('mm', 'UCUM', 'millimeter'),
  /** a probability from 0 to 1: UCUM's unity */
  Unity: code('1', 'UCUM', 'no units'),
  /** no public code says "the model's probability of this finding": Nidus's own (PS3.16 8.2, a 99 scheme) */
  Probability: code('PROBABILITY', '99NIDUS', 'Probability of finding'),
  /** PS3.16 CID 7162 Algorithm Family: (123110, DCM, "Artificial Intelligence") */
  ArtificialIntelligence: code('123110', 'DCM', 'Artificial Intelligence'),
  MorphologicallyAbnormalStructure: code('49755003', 'SCT', 'Morphologically Abnormal Structure'),
} as const satisfies Record<string, CodedConcept>;
