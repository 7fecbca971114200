// Applies a service's versioned migrations. Each module that owns tables (a service, the job
// queue) keeps its own bookkeeping table, so their version lists never interleave.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { openDatabase, type DatabaseHandle, type DatabaseKind, type OpenDatabaseOptions } from './open-database.js';

export interface MigrateOptions {
  /** Bookkeeping table; default schema_migrations (its lock table gets a _lock suffix). */
  tableName?: string;
  /** false: apply nothing, only check that every migration was applied (a job migrates instead). */
  apply?: boolean;
}

/** The database lacks migrations and the process was told not to apply them itself. */
export class SchemaNotCurrentError extends Error {
  override readonly name = 'SchemaNotCurrentError';
  constructor(readonly pending: readonly string[]) {
    super(`the database schema is not at the latest version (${pending.length} migration${pending.length === 1 ? '' : 's'} not applied: ${pending.join(', ')}): run the migrate command first`);
  }
}

/** Throws SchemaNotCurrentError when the migrator knows of migrations the database has not had. */
export async function assertMigrated(migrator: Migrator): Promise<void> {
  const pending = (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
  if (pending.length > 0) throw new SchemaNotCurrentError(pending);
}

/** Returns the names of the migrations it applied, oldest first (none with `apply: false`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema type
export async function migrateToLatest(db: Kysely<any>, kind: DatabaseKind, provider: MigrationProvider, options: MigrateOptions = {}): Promise<string[]> {
  const tableName = options.tableName ?? 'schema_migrations';
  // On PostgreSQL the bookkeeping tables live in the schema the connection works in (search_path),
  // so several installations can share one database in separate schemas.
  const schema = kind === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  if (options.apply === false) {
    await assertMigrated(migrator);
    return [];
  }
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return appliedNames(results);
}

export function appliedNames(results: readonly MigrationResult[] | undefined): string[] {
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Opens the database at `url`, applies what is missing and closes it: a service's `migrate` command. */
export async function migrateDatabase(url: string, provider: MigrationProvider, options: Omit<MigrateOptions, 'apply'> & OpenDatabaseOptions = {}): Promise<string[]> {
  const handle = openDatabase(url, options);
  try {
    return await migrateToLatest(handle.db, handle.kind, provider, options);
  } finally {
    await handle.close();
  }
}

/** A provider over an in-code list of migrations, keyed by their versioned names ("001-initial"). */
export function staticMigrations(migrations: Record<string, Migration>): MigrationProvider {
  return { getMigrations: async () => migrations };
}

/** Opens the database at `url` and brings it to the latest version; closes it again if that fails. */
export async function openMigratedDatabase<DB>(url: string, provider: MigrationProvider, options: MigrateOptions & OpenDatabaseOptions = {}): Promise<DatabaseHandle<DB>> {
  const handle = openDatabase<DB>(url, options);
  try {
    await migrateToLatest(handle.db, handle.kind, provider, options);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** The one line every `migrate` command prints. */
export function migratedLine(applied: readonly string[]): string {
  return `database migrated to the latest version (${applied.length === 0 ? 'nothing to apply' : `applied: ${applied.join(', ')}`})`;
}
