// Opens the database named by a URL (sqlite:PATH or postgres://...) behind one typed query layer.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, SqliteDialect, sql } from 'kysely';
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
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
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
    const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  throw new Error(`unsupported database URL: ${url.split(':')[0]} (expected sqlite:PATH or postgres://...)`);
}

/** A trivial query: the readiness probe of every service. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema type
export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
