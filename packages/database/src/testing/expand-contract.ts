// Checks that migrations are expand/contract: each migration N keeps the release before it
// (which knows migrations up to N-1) working on the migrated database. Its tables and columns
// must all still be there with their types, none may become NOT NULL, and a new column on an
// existing table must be nullable or have a default, or the previous release's inserts fail.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { migrateToLatest, staticMigrations } from '../migrate.js';
import { openDatabase, type DatabaseKind } from '../open-database.js';
import type { TestBackend } from './test-databases.js';

export interface ColumnShape {
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

/** Table name to column name to shape. */
export type SchemaShape = Record<string, Record<string, ColumnShape>>;

export interface MigrationStep {
  /** The migration applied, e.g. "014-client-resource-servers". */
  migration: string;
  /** What it does that the release before it would not survive; empty when it only expands. */
  violations: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema
export async function schemaShape(db: Kysely<any>, kind: DatabaseKind): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  if (kind === 'postgres') {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
      select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema = current_schema()`.execute(db);
    for (const row of rows) {
      (shape[row.table_name] ??= {})[row.column_name] = { type: row.data_type, notNull: row.is_nullable === 'NO', hasDefault: row.column_default !== null };
    }
    return shape;
  }
  const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  for (const { name } of tables) {
    const { rows } = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`select * from pragma_table_info(${name})`.execute(db);
    shape[name] = Object.fromEntries(rows.map((row) => [row.name, { type: row.type.toLowerCase(), notNull: row.notnull === 1, hasDefault: row.dflt_value !== null }]));
  }
  return shape;
}

/** What changing `before` into `after` breaks for code written against `before`. */
export function contractions(before: SchemaShape, after: SchemaShape): string[] {
  const found: string[] = [];
  for (const [table, columns] of Object.entries(before)) {
    const now = after[table];
    if (!now) {
      found.push(`drops table ${table}`);
      continue;
    }
    for (const [column, shape] of Object.entries(columns)) {
      const next = now[column];
      if (!next) found.push(`drops column ${table}.${column}`);
      else if (next.type !== shape.type) found.push(`changes the type of ${table}.${column} from ${shape.type} to ${next.type}`);
      else if (next.notNull && !shape.notNull) found.push(`makes ${table}.${column} NOT NULL`);
    }
    for (const [column, shape] of Object.entries(now)) {
      if (!(column in columns) && shape.notNull && !shape.hasDefault) found.push(`adds ${table}.${column} NOT NULL without a default`);
    }
  }
  return found.sort();
}

/**
 * Applies the migrations one by one to the (empty) database at `url` and reports, for each, what
 * it breaks for the release before it. Leaves the database at the newest migration.
 */
export async function migrationSteps(url: string, provider: MigrationProvider, options: { tableName?: string } = {}): Promise<MigrationStep[]> {
  const all = await provider.getMigrations();
  const names = Object.keys(all).sort();
  const handle = openDatabase<unknown>(url);
  try {
    const steps: MigrationStep[] = [];
    let before = await schemaShape(handle.db, handle.kind);
    for (let applied = 1; applied <= names.length; applied++) {
      const subset: Record<string, Migration> = Object.fromEntries(names.slice(0, applied).map((name) => [name, all[name]!]));
      await migrateToLatest(handle.db, handle.kind, staticMigrations(subset), options);
      const after = await schemaShape(handle.db, handle.kind);
      steps.push({ migration: names[applied - 1]!, violations: contractions(before, after) });
      before = after;
    }
    return steps;
  } finally {
    await handle.close();
  }
}

/** One value of a column's type; the same everywhere, so that foreign keys find their parent row. */
function sampleValue(type: string): unknown {
  if (/int|serial/.test(type)) return 1;
  if (/double|real|numeric|float|decimal/.test(type)) return 1.5;
  if (/bool/.test(type)) return true;
  if (/json/.test(type)) return '{}';
  return 'x';
}

/**
 * Plays the previous release's SQL against the newest schema: migrates the empty database at
 * `url` to N-1, records its tables and columns, migrates to N, then inserts one row into every
 * table naming only the columns N-1 knew (as the previous release's inserts do) and reads those
 * columns back (a table a migration seeded is only read). Returns what failed ("table: error"); empty when the previous release's reads
 * and writes still work. Rows go in the order foreign keys allow.
 */
export async function previousReleaseRoundTrip(url: string, provider: MigrationProvider, options: { tableName?: string } = {}): Promise<string[]> {
  const all = await provider.getMigrations();
  const names = Object.keys(all).sort();
  const handle = openDatabase<unknown>(url);
  try {
    const upTo = (count: number) => staticMigrations(Object.fromEntries(names.slice(0, count).map((name) => [name, all[name]!])));
    const bookkeeping = options.tableName ?? 'schema_migrations';
    await migrateToLatest(handle.db, handle.kind, upTo(names.length - 1), options);
    const previous = await schemaShape(handle.db, handle.kind);
    await migrateToLatest(handle.db, handle.kind, upTo(names.length), options);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the previous release's schema, known only at run time
    const db = handle.db as Kysely<any>;
    let pending = Object.keys(previous).filter((table) => table !== bookkeeping && table !== `${bookkeeping}_lock`);
    const failures = new Map<string, string>();
    // A row whose parent is not in yet fails; it is tried again after the others.
    for (let round = 0; pending.length > 0 && round <= Object.keys(previous).length; round++) {
      const left: string[] = [];
      for (const table of pending) {
        const row = Object.fromEntries(Object.entries(previous[table]!).map(([column, shape]) => [column, sampleValue(shape.type)]));
        try {
          // Tables a migration seeded (a singleton row) are only read.
          const seeded = (await db.selectFrom(table).select(Object.keys(row)).execute()).length;
          if (seeded === 0) await db.insertInto(table).values(row).execute();
          const read = await db.selectFrom(table).select(Object.keys(row)).execute();
          if (read.length !== Math.max(seeded, 1)) throw new Error(`read ${read.length} rows back`);
          failures.delete(table);
        } catch (error) {
          failures.set(table, error instanceof Error ? error.message : String(error));
          left.push(table);
        }
      }
      if (left.length === pending.length) break;
      pending = left;
    }
    return [...failures].map(([table, message]) => `${table}: ${message}`).sort();
  } finally {
    await handle.close();
  }
}

export interface ExpandContractReport {
  /** Migrations that would break the release before them, with what they do. */
  contractions: MigrationStep[];
  /** What of the previous release's reads and writes fails on the newest schema (see previousReleaseRoundTrip). */
  previousRelease: string[];
}

/** Both checks, each on a fresh database of `backend`, dropped afterwards. */
export async function checkExpandContract(backend: TestBackend, provider: MigrationProvider, options: { tableName?: string } = {}): Promise<ExpandContractReport> {
  const onFresh = async <T>(check: (url: string) => Promise<T>): Promise<T> => {
    const database = await backend.create();
    try {
      return await check(database.url);
    } finally {
      await database.drop();
    }
  };
  const steps = await onFresh((url) => migrationSteps(url, provider, options));
  return {
    contractions: steps.filter((step) => step.violations.length > 0),
    previousRelease: await onFresh((url) => previousReleaseRoundTrip(url, provider, options)),
  };
}
