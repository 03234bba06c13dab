import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timeColumn, UID_LENGTH } from '../columns';

/**
 * Where one result object stands with one target: `pending` (queued, not tried yet), `waiting` (tried, failed for
 * a passing reason, tried again at nextAttemptAt), `delivered`, `failed` (refused for good, or out of retries).
 */
export type DeliveryStatus = 'pending' | 'waiting' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'waiting', 'delivered', 'failed'];

/** One result object to one delivery target: its state, the tries of this round, the last error. */
@Entity('delivery')
export class DeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: UID_LENGTH })
  SOPInstanceUID: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  targetId: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  analysisId: string;

  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH })
  StudyInstanceUID: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  state: DeliveryStatus;

  /** tries in this round (a resend starts a new round) */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** rounds so far: 0, and one more for each resend; part of the queue job's identity */
  @Column({ type: 'integer', default: 0 })
  round: number;

  /** the peer's words (HTTP or DIMSE status and reason) or the network error of the last failed try */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** the first failed try of this round: the retry time span counts from here */
  @Column(timeColumn({ nullable: true }))
  firstFailedAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  lastAttemptAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  nextAttemptAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  deliveredAt: Date | null;

  @Column(timeColumn())
  createdAt: Date;
}
