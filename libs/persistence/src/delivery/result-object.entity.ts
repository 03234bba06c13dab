import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timeColumn, UID_LENGTH } from '../columns';

export type ResultObjectKind = 'seg' | 'sr' | 'sc' | 'pm';
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A DICOM object Nidus made from an analysis, and where it stands in delivery. */
@Entity('result_object')
export class ResultObjectEntity {
  @PrimaryColumn({ type: 'varchar', length: UID_LENGTH })
  SOPInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  analysisId: string;

  @Column({ type: 'varchar', length: 8 })
  kind: ResultObjectKind;

  @Column({ type: 'varchar', length: UID_LENGTH })
  SOPClassUID: string;

  @Column({ type: 'varchar', length: UID_LENGTH })
  SeriesInstanceUID: string;

  @Column({ type: 'varchar', length: 512 })
  path: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  deliveryState: DeliveryState;

  @Column(timeColumn())
  createdAt: Date;
}
