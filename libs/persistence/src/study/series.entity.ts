import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timeColumn, UID_LENGTH } from '../columns';

export type SeriesState = 'receiving' | 'complete';

@Entity('series')
export class SeriesEntity {
  @PrimaryColumn({ type: 'varchar', length: UID_LENGTH })
  SeriesInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  Modality: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  SeriesDescription: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  BodyPartExamined: string | null;

  @Column({ type: 'integer', nullable: true })
  SeriesNumber: number | null;

  @Column({ type: 'integer', default: 0 })
  instanceCount: number;

  /** known when the series says how many instances to expect (e.g. NumberOfTemporalPositions x slices) */
  @Column({ type: 'integer', nullable: true })
  expectedInstanceCount: number | null;

  @Column({ type: 'varchar', length: 16, default: 'receiving' })
  state: SeriesState;

  @Column({ type: 'varchar', length: 16, nullable: true })
  callingAETitle: string | null;

  /** one more each time one of its instances was replaced: part of its checks' and analyses' identity */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @Column(timeColumn())
  firstReceivedAt: Date;

  @Column(timeColumn())
  lastReceivedAt: Date;
}
