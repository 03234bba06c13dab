import { DataSource } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async record(actor: string, action: string, subject: string | null, detail: Record<string, unknown> | null = null): Promise<void> {
    await this.db.getRepository(AuditEventEntity).insert({ at: new Date(), actor, action, subject, detail: detail as never });
  }

  recent(limit = 100): Promise<AuditEventEntity[]> {
    return this.db.getRepository(AuditEventEntity).find({ order: { id: 'DESC' }, take: limit });
  }
}
