import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn, timeColumn } from '../columns';

/** Who did what to which object, when. Append-only. */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column(timeColumn())
  at: Date;

  /** user, AE title or `system` */
  @Column({ type: 'varchar', length: 128 })
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  /** a UID or an id */
  @Column({ type: 'varchar', length: 128, nullable: true })
  subject: string | null;

  @Column(jsonColumn())
  detail: Record<string, unknown> | null;
}
