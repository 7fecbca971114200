// Opens the database named by a URL (sqlite:PATH or postgres://...) behind one typed query layer.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { ScopedPostgresDialect } from './scoped-postgres-introspector.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle<DB> {
  db: Kysely<DB>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Most PostgreSQL connections held at once; default 10. */
  poolMax?: number;
}

const INT8_OID = 20;

/** True for the URLs openDatabase accepts. */
export function isDatabaseUrl(url: string): boolean {
  return url.startsWith('sqlite:') || url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export function openDatabase<DB>(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle<DB> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const database = new SQLite(path === ':memory:' ? ':memory:' : resolve(path));
    // WAL lets a CLI write while a server reads; busy_timeout waits out short write locks.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    return { db, kind: 'sqlite', close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      // bigint columns hold epoch seconds or milliseconds: well inside Number's exact range.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client that loses its server must not crash the process.
    pool.on('error', () => {});
    // Nor one in use: a client checked out between two queries (in a transaction, or before its
    // release) has no pool listener, and PostgreSQL shutting down (57P01) would emit an unhandled
    // 'error' on it. The query in progress fails with the error anyway, and the pool drops the broken
    // client when it is released.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  throw new Error(`unsupported database URL: ${url.split(':')[0]} (expected sqlite:PATH or postgres://...)`);
}

/** Most prepared statements kept per SQLite database. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs more than running a small
 * indexed query. Statements are kept by their SQL text (parameters are bound at each run), the
 * oldest dropped past the bound. Reusing one is safe: Kysely runs one query at a time per
 * connection, and SQLite re-prepares a statement by itself after a schema change.
 */
export function withStatementCache(database: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = database.prepare(text);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** A trivial query: the readiness probe of every service. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema type
export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
