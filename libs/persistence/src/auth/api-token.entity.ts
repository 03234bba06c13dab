import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { timeColumn } from '../columns';

/** An API token: never the token, only its SHA-256 (libs/auth ApiTokenRecord). */
@Entity('api_token')
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  /** SHA-256 of the token, hex */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  /** the prefix and first characters, for listings */
  @Column({ type: 'varchar', length: 16 })
  hint: string;

  @Column(timeColumn())
  createdAt: Date;

  /** the subject of the identity that made it (`cli:<user>` from the command line) */
  @Column({ type: 'varchar', length: 255 })
  createdBy: string;

  @Column(timeColumn({ nullable: true }))
  expiresAt: Date | null;

  @Column(timeColumn({ nullable: true }))
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  revokedBy: string | null;

  @Column(timeColumn({ nullable: true }))
  lastUsedAt: Date | null;
}
