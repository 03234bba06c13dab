import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Written with TypeORM's Table API so the same migration runs on SQLite and PostgreSQL.
// A test checks that after all migrations the schema matches the entities exactly.

const uid = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '64', isNullable: nullable });
const text = (name: string, length: number, nullable = true): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const time = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, nullable = true, defaultValue?: number): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
  default: defaultValue,
});
const longText = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });
const primary = (column: TableColumnOptions): TableColumnOptions => ({ ...column, isPrimary: true, isNullable: false });
const serial = (name: string): TableColumnOptions => ({ name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });

export class InitialSchema1764230400000 implements MigrationInterface {
  name = 'InitialSchema1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'study',
        columns: [
          primary(uid('StudyInstanceUID')),
          text('PatientID', 64),
          text('PatientName', 324),
          text('PatientSex', 16),
          text('PatientBirthDate', 8),
          text('PatientAge', 4),
          text('AccessionNumber', 16),
          text('StudyDate', 8),
          text('StudyTime', 16),
          text('StudyDescription', 64),
          time('firstReceivedAt'),
          time('lastReceivedAt'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'series',
        columns: [
          primary(uid('SeriesInstanceUID')),
          uid('StudyInstanceUID'),
          text('Modality', 16),
          text('SeriesDescription', 64),
          text('BodyPartExamined', 16),
          int('SeriesNumber'),
          int('instanceCount', false, 0),
          int('expectedInstanceCount'),
          { name: 'state', type: 'varchar', length: '16', isNullable: false, default: "'receiving'" },
          text('callingAETitle', 16),
          time('firstReceivedAt'),
          time('lastReceivedAt'),
        ],
        indices: [new TableIndex({ columnNames: ['StudyInstanceUID'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'instance',
        columns: [
          primary(uid('SOPInstanceUID')),
          uid('SeriesInstanceUID'),
          uid('StudyInstanceUID'),
          uid('SOPClassUID'),
          uid('TransferSyntaxUID'),
          int('InstanceNumber'),
          text('path', 512, false),
          { name: 'sizeBytes', type: 'bigint', isNullable: false },
          text('sha256', 64, false),
          time('receivedAt'),
          text('callingAETitle', 16),
        ],
        indices: [new TableIndex({ columnNames: ['SeriesInstanceUID'] }), new TableIndex({ columnNames: ['StudyInstanceUID'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'analysis',
        columns: [
          primary(text('id', 36)),
          text('inputKey', 64, false),
          uid('StudyInstanceUID'),
          uid('SeriesInstanceUID'),
          text('kind', 64, false),
          text('modelId', 64),
          text('modelVersion', 32),
          text('status', 16, false),
          text('priority', 16, false),
          int('instanceCount', false),
          text('supersedesId', 36),
          int('attempts', false, 0),
          time('queuedAt'),
          time('startedAt', true),
          time('finishedAt', true),
          longText('result'),
          longText('error'),
        ],
        indices: [
          new TableIndex({ columnNames: ['inputKey'], isUnique: true }),
          new TableIndex({ columnNames: ['StudyInstanceUID'] }),
          new TableIndex({ columnNames: ['SeriesInstanceUID'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'result_object',
        columns: [
          primary(uid('SOPInstanceUID')),
          text('analysisId', 36, false),
          text('kind', 8, false),
          uid('SOPClassUID'),
          uid('SeriesInstanceUID'),
          text('path', 512, false),
          { name: 'deliveryState', type: 'varchar', length: '16', isNullable: false, default: "'pending'" },
          time('createdAt'),
        ],
        indices: [new TableIndex({ columnNames: ['analysisId'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'delivery_attempt',
        columns: [
          serial('id'),
          uid('SOPInstanceUID'),
          text('targetId', 64, false),
          int('attempt', false),
          text('outcome', 16, false),
          longText('detail'),
          time('at'),
        ],
        indices: [new TableIndex({ columnNames: ['SOPInstanceUID'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert',
        columns: [
          primary(text('id', 36)),
          text('analysisId', 36, false),
          text('updatesAlertId', 36),
          text('level', 16, false),
          text('team', 64, false),
          text('state', 16, false),
          longText('payload'),
          int('escalationLevel', false, 0),
          time('nextEscalationAt', true),
          time('createdAt'),
          time('sentAt', true),
          time('acknowledgedAt', true),
          text('acknowledgedBy', 128),
        ],
        indices: [new TableIndex({ columnNames: ['analysisId'], isUnique: true }), new TableIndex({ columnNames: ['nextEscalationAt'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_event',
        columns: [serial('id'), time('at'), text('actor', 128, false), text('action', 64, false), text('subject', 128), longText('detail')],
        indices: [new TableIndex({ columnNames: ['at'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_event', 'alert', 'delivery_attempt', 'result_object', 'analysis', 'instance', 'series', 'study']) {
      await q.dropTable(table);
    }
  }
}
