import { MigrationInterface, QueryRunner } from 'typeorm';

// Review decisions are a record of who decided what and when (issue 15): like the audit trail, the database itself
// refuses to change or remove one (UPDATE, DELETE; on PostgreSQL TRUNCATE too). A later migration that makes SQLite
// recreate the review table must create these triggers again.

export class ReviewAppendOnly1796515200100 implements MigrationInterface {
  name = 'ReviewAppendOnly1796515200100';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE FUNCTION "review_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'review is append-only'; END $$`);
      await q.query('CREATE TRIGGER "review_no_change" BEFORE UPDATE OR DELETE ON "review" FOR EACH ROW EXECUTE FUNCTION "review_append_only"()');
      await q.query('CREATE TRIGGER "review_no_truncate" BEFORE TRUNCATE ON "review" FOR EACH STATEMENT EXECUTE FUNCTION "review_append_only"()');
    } else {
      for (const change of ['UPDATE', 'DELETE']) {
        await q.query(
          `CREATE TRIGGER "review_no_${change.toLowerCase()}" BEFORE ${change} ON "review" BEGIN SELECT RAISE(ABORT, 'review is append-only'); END`,
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS "review_no_truncate" ON "review"');
      await q.query('DROP TRIGGER IF EXISTS "review_no_change" ON "review"');
      await q.query('DROP FUNCTION IF EXISTS "review_append_only"()');
    } else {
      await q.query('DROP TRIGGER IF EXISTS "review_no_update"');
      await q.query('DROP TRIGGER IF EXISTS "review_no_delete"');
    }
  }
}
