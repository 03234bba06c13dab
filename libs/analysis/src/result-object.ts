import type { BuiltDicomObject } from '@nidus/dicom';

/** The kinds of DICOM object an analysis makes: segmentation, structured report, secondary capture, parametric map. */
export type ResultObjectKind = 'seg' | 'sr' | 'sc' | 'pm';

/** One result object, ready to store and deliver. */
export interface ResultObject extends BuiltDicomObject {
  kind: ResultObjectKind;
}
