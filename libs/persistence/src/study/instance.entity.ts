import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigIntColumn, timeColumn, UID_LENGTH } from '../columns';

/** One stored SOP instance: where its file is and how it came. */
@Entity('instance')
export class InstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: UID_LENGTH })
  SOPInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  SeriesInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Column({ type: 'varchar', length: UID_LENGTH })
  SOPClassUID: string;

  @Column({ type: 'varchar', length: UID_LENGTH })
  TransferSyntaxUID: string;

  @Column({ type: 'integer', nullable: true })
  InstanceNumber: number | null;

  /** path relative to DATA_DIR */
  @Column({ type: 'varchar', length: 512 })
  path: string;

  @Column(bigIntColumn())
  sizeBytes: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column(timeColumn())
  receivedAt: Date;

  @Column({ type: 'varchar', length: 16, nullable: true })
  callingAETitle: string | null;

  /** times an unreadable stored copy was replaced by one sent again, and when last (issue 12) */
  @Column({ type: 'integer', default: 0 })
  replacements: number;

  @Column(timeColumn({ nullable: true }))
  replacedAt: Date | null;
}
