import { personNameGroupKeys } from '@nidus/dicom';
import type { StudyEntity } from './study.entity';

export type PatientNameKeyColumns = Pick<StudyEntity, 'PatientNameAlphabeticKey' | 'PatientNameIdeographicKey' | 'PatientNamePhoneticKey'>;

/** The study row's match-key columns for a decoded PatientName (null where a group is absent). */
export function patientNameKeyColumns(PatientName: string | null | undefined): PatientNameKeyColumns {
  const keys = PatientName ? personNameGroupKeys(PatientName) : {};
  return {
    PatientNameAlphabeticKey: keys.Alphabetic?.slice(0, 324) ?? null,
    PatientNameIdeographicKey: keys.Ideographic?.slice(0, 324) ?? null,
    PatientNamePhoneticKey: keys.Phonetic?.slice(0, 324) ?? null,
  };
}
