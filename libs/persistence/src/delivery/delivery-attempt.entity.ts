import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { timeColumn, UID_LENGTH } from '../columns';

export type DeliveryOutcome = 'delivered' | 'retry' | 'rejected';

/** One try at sending one result object to one target. */
@Entity('delivery_attempt')
export class DeliveryAttemptEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  SOPInstanceUID: string;

  @Column({ type: 'varchar', length: 64 })
  targetId: string;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'varchar', length: 16 })
  outcome: DeliveryOutcome;

  /** DIMSE status or HTTP status and reason */
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column(timeColumn())
  at: Date;
}
