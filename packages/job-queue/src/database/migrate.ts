// Brings the queue's table up to date. The queue keeps its own bookkeeping tables, so its
// migrations never mix with the host service's.
import { Migrator, sql, type Kysely } from 'kysely';
import { appliedNames, assertMigrated, type SchemaCheckOptions } from '@runnerly/database';
import { migrationProvider } from './migrations/index.js';
import { withCurrentSchemaIntrospection } from './scoped-introspection.js';

export const MIGRATION_TABLE = 'job_queue_migrations';
export const MIGRATION_LOCK_TABLE = 'job_queue_migrations_lock';

/** `apply: false` only checks that the queue's migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
export async function migrateJobQueue(db: Kysely<any>, dialect: 'sqlite' | 'postgres', options: SchemaCheckOptions = {}): Promise<string[]> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the host's database
  // On PostgreSQL the bookkeeping lives in the schema the connection works in (search_path), like the table itself.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: dialect === 'postgres' ? withCurrentSchemaIntrospection(db) : db,
    provider: migrationProvider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  if (options.apply === false) {
    await assertMigrated(migrator, options);
    return [];
  }
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`job queue migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return appliedNames(results);
}
