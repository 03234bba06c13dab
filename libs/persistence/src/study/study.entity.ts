import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timeColumn, UID_LENGTH } from '../columns';

/** A study as Nidus has received it: the Patient and Study module attributes used to search and alert. */
@Entity('study')
export class StudyEntity {
  @PrimaryColumn({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  PatientID: string | null;

  /** kept for search; never logged */
  @Column({ type: 'varchar', length: 324, nullable: true })
  PatientName: string | null;

  /**
   * PatientName's component groups as match keys (libs/dicom personNameGroupKeys: decoded, case and diacritics
   * folded), what QIDO-RS and /api/studies match a PatientName query against (PS3.4 C.2.2.2.1, C.2.2.2.4)
   */
  @Column({ type: 'varchar', length: 324, nullable: true })
  PatientNameAlphabeticKey: string | null;

  @Column({ type: 'varchar', length: 324, nullable: true })
  PatientNameIdeographicKey: string | null;

  @Column({ type: 'varchar', length: 324, nullable: true })
  PatientNamePhoneticKey: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  PatientSex: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  PatientBirthDate: string | null;

  @Column({ type: 'varchar', length: 4, nullable: true })
  PatientAge: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  AccessionNumber: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  StudyDate: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  StudyTime: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  StudyDescription: string | null;

  @Column(timeColumn())
  firstReceivedAt: Date;

  @Column(timeColumn())
  lastReceivedAt: Date;
}
