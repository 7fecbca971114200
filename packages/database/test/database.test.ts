import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, openDatabase, ping, staticMigrations, withStatementCache } from '../src/index.js';
import { TEST_BACKENDS } from '../src/testing/test-databases.js';

interface Db {
  notes: { id: number; body: string };
}

const v1 = staticMigrations({
  '001-notes': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).execute();
    },
  },
});

for (const backend of TEST_BACKENDS) {
  test(`${backend.name}: migrations apply once, under their own bookkeeping table`, async () => {
    const database = await backend.create();
    try {
      for (let run = 0; run < 2; run += 1) {
        const handle = openDatabase<Db>(database.url);
        try {
          await migrateToLatest(handle.db, handle.kind, v1, { tableName: 'app_migrations' });
          await ping(handle.db);
          await handle.db.insertInto('notes').values({ id: run, body: 'x' }).execute();
          const rows = await sql<{ name: string }>`select name from app_migrations`.execute(handle.db);
          assert.deepEqual(rows.rows.map((row) => row.name), ['001-notes']);
        } finally {
          await handle.close();
        }
      }
    } finally {
      await database.drop();
    }
  });
}

test('an unknown URL scheme is refused with a clear message', () => {
  assert.throws(() => openDatabase('mysql://localhost/x'), /unsupported database URL: mysql \(expected sqlite:PATH or postgres:/);
});

test('SQLite statements are prepared once per SQL text, bounded, and stay right after a schema change', async () => {
  const prepared: string[] = [];
  const SQLite = (await import('better-sqlite3')).default;
  const raw = new SQLite(':memory:');
  const original = raw.prepare.bind(raw);
  raw.prepare = ((text: string) => {
    prepared.push(text);
    return original(text);
  }) as typeof raw.prepare;
  const cached = withStatementCache(raw, 2);
  cached.prepare('create table t (a integer)').run([]);
  cached.prepare('insert into t (a) values (?)').run([1]);
  cached.prepare('insert into t (a) values (?)').run([2]);
  assert.deepEqual(prepared, ['create table t (a integer)', 'insert into t (a) values (?)']);
  raw.exec('alter table t add column b text');
  assert.deepEqual(cached.prepare('select * from t order by a').all([]), [{ a: 1, b: null }, { a: 2, b: null }]);
  // Past the bound the oldest statement is dropped and prepared again when needed.
  cached.prepare('select 1 as x').all([]);
  cached.prepare('insert into t (a) values (?)').run([3]);
  assert.equal(prepared.filter((text) => text === 'insert into t (a) values (?)').length, 2);
  cached.close();
});
