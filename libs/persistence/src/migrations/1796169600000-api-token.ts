import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

// API tokens: only the SHA-256 of each token, unique (Table API: SQLite and PostgreSQL alike).

export class ApiToken1796169600000 implements MigrationInterface {
  name = 'ApiToken1796169600000';

  async up(q: QueryRunner): Promise<void> {
    const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });
    const time = (name: string, isNullable = false) => ({ name, type: 'bigint', isNullable });
    await q.createTable(
      new Table({
        name: 'api_token',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('name', 64),
          text('role', 16),
          text('hash', 64),
          text('hint', 16),
          time('createdAt'),
          text('createdBy', 255),
          time('expiresAt', true),
          time('revokedAt', true),
          text('revokedBy', 255, true),
          time('lastUsedAt', true),
        ],
        indices: [new TableIndex({ columnNames: ['hash'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('api_token');
  }
}
