import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, timeColumn } from '../columns';

export type AlertState = 'pending' | 'sent' | 'acknowledged' | 'failed';

/** An alert to a team about one analysis; an update refers to the first alert. */
@Entity('alert')
export class AlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** one alert (or update) per analysis, across retries and restarts */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 36 })
  analysisId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  updatesAlertId: string | null;

  @Column({ type: 'varchar', length: 16 })
  level: string;

  @Column({ type: 'varchar', length: 64 })
  team: string;

  @Column({ type: 'varchar', length: 16 })
  state: AlertState;

  @Column(jsonColumn())
  payload: Record<string, unknown> | null;

  /** index into the team's on-call chain of the target paged last; -1 before the first page */
  @Column({ type: 'integer', default: 0 })
  escalationLevel: number;

  @Index()
  @Column(timeColumn({ nullable: true }))
  nextEscalationAt: Date | null;

  @Column(timeColumn())
  createdAt: Date;

  @Column(timeColumn({ nullable: true }))
  sentAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  acknowledgedAt: Date | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  acknowledgedBy: string | null;

  /** a worker paging the next step holds this lease; another may take over only after it lapses */
  @Column(timeColumn({ nullable: true }))
  claimedUntil: Date | null;

  /** why the last page failed (HTTP status or network error), for operators */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;
}
