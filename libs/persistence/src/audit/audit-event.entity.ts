import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn, timeColumn, UID_LENGTH } from '../columns';

/**
 * One audit event (PS3.15 A.5: who, what, when, from where, outcome). Append-only: the repository has no update
 * or delete, and database triggers refuse both. The columns are what the trail is searched by; `body` is the
 * whole event (libs/auth AuditEvent) as recorded.
 */
@Entity('audit_event')
export class AuditEventEntity {
  /** order of recording: newest first and paging go by it */
  @PrimaryGeneratedColumn()
  seq: number;

  /** the event's own id (a UUID) */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 36 })
  id: string;

  /** EventDateTime */
  @Index()
  @Column(timeColumn())
  time: Date;

  @Index()
  @Column({ type: 'varchar', length: 32 })
  action: string;

  /** EventID code (PS3.16 CID 400) */
  @Column({ type: 'varchar', length: 16 })
  eventIdCode: string;

  /** EventActionCode: C R U D E */
  @Column({ type: 'varchar', length: 1 })
  actionCode: string;

  /** EventOutcomeIndicator: 0, 4, 8, 12 */
  @Column({ type: 'integer' })
  outcome: number;

  @Column({ type: 'varchar', length: 512, nullable: true })
  outcomeDescription: string | null;

  /** the verified identity's subject, `anonymous`, an application or a DICOM peer */
  @Index()
  @Column({ type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userName: string | null;

  /** the identity's roles, comma separated */
  @Column({ type: 'varchar', length: 128 })
  roles: string;

  /** NetworkAccessPointID */
  @Column({ type: 'varchar', length: 64, nullable: true })
  address: string | null;

  /** AuditSourceID */
  @Column({ type: 'varchar', length: 64 })
  source: string;

  /** the first study among the participant objects */
  @Index()
  @Column({ type: 'varchar', length: UID_LENGTH, nullable: true })
  StudyInstanceUID: string | null;

  /** the first patient among the participant objects */
  @Index()
  @Column({ type: 'varchar', length: 64, nullable: true })
  PatientID: string | null;

  @Column(jsonColumn({ nullable: false }))
  body: Record<string, unknown>;
}
