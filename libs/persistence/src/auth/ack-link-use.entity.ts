import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timeColumn } from '../columns';

/** An acknowledgement link that was used: its nonce, kept until the link would have expired anyway. */
@Entity('ack_link_use')
export class AckLinkUseEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  @Column({ type: 'varchar', length: 36 })
  alertId: string;

  @Column(timeColumn())
  usedAt: Date;

  @Index()
  @Column(timeColumn())
  expiresAt: Date;
}
