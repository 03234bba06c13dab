import type { Role } from '../roles/role.table';

/** One API token as stored: never the token itself, only its hash. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 of the token, hex (unique) */
  hash: string;
  /** the prefix and first characters, for listings */
  hint: string;
  createdAt: Date;
  /** the subject of the identity that created it (`cli` from the command line) */
  createdBy: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

/** Where API tokens are kept (a TypeORM repository in libs/persistence). */
export interface TokenStore {
  insert(record: ApiTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
  /** newest first */
  list(): Promise<ApiTokenRecord[]>;
  /** sets revokedAt/revokedBy when not yet revoked; false when there is no such token */
  markRevoked(id: string, at: Date, by: string): Promise<boolean>;
  markUsed(id: string, at: Date): Promise<void>;
}
