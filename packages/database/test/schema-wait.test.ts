// With `apply: false` and `waitMs`, a starting service waits for a migrate job (another process)
// to bring the schema up to date, instead of refusing at once: it checks again about every second,
// says once that it waits, and refuses as before when the wait ends first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase, SchemaNotCurrentError, staticMigrations } from '../src/index.js';
import { TEST_BACKENDS, type TestDatabase } from '../src/testing/test-databases.js';

const migrations = staticMigrations({
  '001-notes': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
    },
  },
  '002-tags': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('tags').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
    },
  },
});

/** The checker's view: whether it ended, how, and when (ms on the monotonic clock). */
interface Outcome {
  result?: string[];
  error?: unknown;
  endedAt: number;
}

async function check(url: string, options: { waitMs?: number; onWaiting?: (pending: readonly string[]) => void }): Promise<Outcome> {
  const handle = openDatabase(url);
  try {
    const result = await migrateToLatest(handle.db, handle.kind, migrations, { apply: false, ...options });
    return { result, endedAt: performance.now() };
  } catch (error) {
    return { error, endedAt: performance.now() };
  } finally {
    await handle.close();
  }
}

/** Applies every migration from a connection of its own, as a migrate job does. */
async function migrateElsewhere(url: string): Promise<string[]> {
  const handle = openDatabase(url);
  try {
    return await migrateToLatest(handle.db, handle.kind, migrations);
  } finally {
    await handle.close();
  }
}

async function withDatabase(backend: (typeof TEST_BACKENDS)[number], body: (database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await backend.create();
  try {
    await body(database);
  } finally {
    await database.drop();
  }
}

for (const backend of TEST_BACKENDS) {
  test(`${backend.name}: apply false with waitMs resolves once another connection has applied the migrations`, () => withDatabase(backend, async (database) => {
    const waiting: (readonly string[])[] = [];
    const started = performance.now();
    const checker = check(database.url, { waitMs: 10_000, onWaiting: (pending) => waiting.push(pending) });
    let ended = false;
    void checker.then(() => (ended = true));

    await sleep(1000);
    assert.equal(ended, false, 'the checker ended before anyone migrated');
    assert.deepEqual(await migrateElsewhere(database.url), ['001-notes', '002-tags']);
    const appliedAt = performance.now();

    const outcome = await checker;
    assert.equal(outcome.error, undefined);
    assert.deepEqual(outcome.result, []);
    assert.ok(outcome.endedAt >= appliedAt, 'resolved before the migrations were applied');
    // Checked again about every second: it notices within a poll (and a query) of the apply.
    assert.ok(outcome.endedAt - appliedAt < 2500, `noticed ${Math.round(outcome.endedAt - appliedAt)} ms after the apply`);
    assert.ok(outcome.endedAt - started < 10_000);
    assert.deepEqual(waiting, [['001-notes', '002-tags']]);
  }));

  test(`${backend.name}: apply false with waitMs 0 (the default) refuses an unmigrated schema at once`, () => withDatabase(backend, async (database) => {
    for (const options of [{ waitMs: 0 }, {}]) {
      const waiting: (readonly string[])[] = [];
      const started = performance.now();
      const outcome = await check(database.url, { ...options, onWaiting: (pending) => waiting.push(pending) });
      assert.ok(outcome.error instanceof SchemaNotCurrentError, String(outcome.error));
      assert.deepEqual(outcome.error.pending, ['001-notes', '002-tags']);
      assert.ok(outcome.endedAt - started < 1000, `refused after ${Math.round(outcome.endedAt - started)} ms`);
      assert.deepEqual(waiting, []);
    }
  }));

  test(`${backend.name}: apply false with waitMs 1500 and nobody migrating refuses after about 1.5 s`, () => withDatabase(backend, async (database) => {
    const waiting: (readonly string[])[] = [];
    const started = performance.now();
    const outcome = await check(database.url, { waitMs: 1500, onWaiting: (pending) => waiting.push(pending) });
    const elapsed = outcome.endedAt - started;
    assert.ok(outcome.error instanceof SchemaNotCurrentError, String(outcome.error));
    assert.deepEqual(outcome.error.pending, ['001-notes', '002-tags']);
    assert.match(outcome.error.message, /^the database schema is not at the latest version \(2 migrations not applied: 001-notes, 002-tags\): run the migrate command first$/);
    assert.ok(elapsed >= 1500 && elapsed < 5000, `refused after ${Math.round(elapsed)} ms`);
    assert.deepEqual(waiting, [['001-notes', '002-tags']], 'told once, not on every check');
  }));

  test(`${backend.name}: apply false with waitMs on a current schema resolves at once without waiting`, () => withDatabase(backend, async (database) => {
    await migrateElsewhere(database.url);
    const waiting: (readonly string[])[] = [];
    const started = performance.now();
    const outcome = await check(database.url, { waitMs: 10_000, onWaiting: (pending) => waiting.push(pending) });
    assert.deepEqual(outcome.result, []);
    assert.ok(outcome.endedAt - started < 1000);
    assert.deepEqual(waiting, []);
  }));

  test(`${backend.name}: waitMs never delays applying: apply true migrates at once`, () => withDatabase(backend, async (database) => {
    const waiting: (readonly string[])[] = [];
    const handle = openDatabase(database.url);
    try {
      const started = performance.now();
      assert.deepEqual(await migrateToLatest(handle.db, handle.kind, migrations, { waitMs: 10_000, onWaiting: (pending) => waiting.push(pending) }), ['001-notes', '002-tags']);
      assert.ok(performance.now() - started < 1000);
    } finally {
      await handle.close();
    }
    assert.deepEqual(waiting, []);
  }));
}
