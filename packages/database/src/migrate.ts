// Applies a service's versioned migrations. Each module that owns tables (a service, the job
// queue) keeps its own bookkeeping table, so their version lists never interleave.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { openDatabase, type DatabaseHandle, type DatabaseKind, type OpenDatabaseOptions } from './open-database.js';

/** How long a check without applying waits for a migrate job to finish its work. */
export interface SchemaWaitOptions {
  /** Most milliseconds to wait for the missing migrations to appear; default 0: refuse at once. */
  waitMs?: number;
  /** Called once, when the check begins to wait, with the migrations still missing. */
  onWaiting?: (pending: readonly string[]) => void;
}

/** What a store's `open` takes: apply the migrations, or only check (and maybe wait) for them. */
export interface SchemaCheckOptions extends SchemaWaitOptions {
  /** false: apply nothing, only check that every migration was applied (a job migrates instead). */
  apply?: boolean;
}

export interface MigrateOptions extends SchemaCheckOptions {
  /** Bookkeeping table; default schema_migrations (its lock table gets a _lock suffix). */
  tableName?: string;
}

/** How often a waiting check looks again: often enough to start soon after the job, cheap for the database. */
const SCHEMA_POLL_MS = 1000;

/** The database lacks migrations and the process was told not to apply them itself. */
export class SchemaNotCurrentError extends Error {
  override readonly name = 'SchemaNotCurrentError';
  constructor(readonly pending: readonly string[]) {
    super(`the database schema is not at the latest version (${pending.length} migration${pending.length === 1 ? '' : 's'} not applied: ${pending.join(', ')}): run the migrate command first`);
  }
}

async function pendingMigrations(migrator: Migrator): Promise<string[]> {
  return (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * Throws SchemaNotCurrentError when the migrator knows of migrations the database has not had,
 * after looking again about every second for up to `waitMs` (a migrate job may be running).
 */
export async function assertMigrated(migrator: Migrator, options: SchemaWaitOptions = {}): Promise<void> {
  const waitMs = options.waitMs !== undefined && options.waitMs > 0 ? options.waitMs : 0;
  const deadline = performance.now() + waitMs;
  let pending = await pendingMigrations(migrator);
  if (pending.length > 0 && waitMs > 0) options.onWaiting?.(pending);
  while (pending.length > 0) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new SchemaNotCurrentError(pending);
    await sleep(Math.min(SCHEMA_POLL_MS, remaining));
    pending = await pendingMigrations(migrator);
  }
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
    await assertMigrated(migrator, options);
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
export async function migrateDatabase(url: string, provider: MigrationProvider, options: Pick<MigrateOptions, 'tableName'> & OpenDatabaseOptions = {}): Promise<string[]> {
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

/** The one line a service logs when it begins to wait for its migrate job. */
export function waitingForSchemaLine(pending: readonly string[], waitMs: number): string {
  return `waiting for the database schema (migrate job): ${pending.length} migration${pending.length === 1 ? '' : 's'} not applied, waiting up to ${waitMs} ms`;
}

/** The one line every `migrate` command prints. */
export function migratedLine(applied: readonly string[]): string {
  return `database migrated to the latest version (${applied.length === 0 ? 'nothing to apply' : `applied: ${applied.join(', ')}`})`;
}
