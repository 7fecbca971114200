import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely, type Migration } from 'kysely';
import { migrateToLatest, staticMigrations } from '@runnerly/database';
import { createJobQueue, MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from '../src/index.js';
import { openDatabase, POSTGRES, SQLITE, type OpenedDatabase, type StoreKind, type TestStore } from './helpers/stores.js';

// A host service's own migrations.
const hostMigrations: Record<string, Migration> = {
  '001-activities': {
    async up(db: Kysely<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any -- a migration's view
      await db.schema.createTable('activities').addColumn('id', 'integer', (col) => col.primaryKey()).execute();
    },
  },
};

/** The host service's migrations, applied as every Runnerly service applies its own (bookkeeping in schema_migrations). */
function migrateHost(database: OpenedDatabase): Promise<string[]> {
  return migrateToLatest(database.db, database.dialect, staticMigrations(hostMigrations));
}

async function migrationNames(database: OpenedDatabase, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)} order by name`.execute(database.db);
  return rows.map((row) => row.name);
}

for (const kind of [SQLITE, POSTGRES].filter((each): each is StoreKind => each !== undefined)) {
  describe(`job queue migrations on ${kind.name}`, () => {
    let store: TestStore;
    let databases: OpenedDatabase[];
    beforeEach(async () => {
      store = await kind.create();
      databases = [];
    });
    afterEach(async () => {
      await Promise.all(databases.map((database) => database.db.destroy()));
      await store.drop();
    });

    function open(): OpenedDatabase {
      const database = openDatabase(store.spec);
      databases.push(database);
      return database;
    }

    it('keeps its migrations in bookkeeping tables of its own, beside the host service\'s', async () => {
      const host = open();
      await migrateHost(host);
      const queue = createJobQueue({ backend: 'database', db: host.db, dialect: host.dialect });
      await queue.start();
      await queue.close();
      assert.deepEqual(await migrationNames(host, MIGRATION_TABLE), ['001-jobs']);
      assert.deepEqual(await migrationNames(host, 'schema_migrations'), ['001-activities']);
      assert.equal(MIGRATION_LOCK_TABLE, 'job_queue_migrations_lock');
      // The host's migrator still sees only its own migrations: no "corrupted migrations" error.
      await migrateHost(host);
      assert.deepEqual(await migrationNames(host, 'schema_migrations'), ['001-activities']);
    });

    it('starting again on a migrated database applies nothing twice and keeps the jobs', async () => {
      const first = open();
      const before = createJobQueue({ backend: 'database', db: first.db, dialect: first.dialect });
      const added = await before.add('report', { month: '2026-11' });
      await before.close();
      const second = open();
      const after = createJobQueue({ backend: 'database', db: second.db, dialect: second.dialect });
      await after.start();
      assert.equal((await after.get(added.id))?.state, 'waiting');
      await after.close();
      assert.deepEqual(await migrationNames(second, MIGRATION_TABLE), ['001-jobs']);
    });

    if (kind.name === 'postgres') {
      it('instances starting together on PostgreSQL migrate once', async () => {
        const queues = [open(), open(), open()].map((database) => createJobQueue({ backend: 'database', db: database.db, dialect: 'postgres' }));
        await Promise.all(queues.map((queue) => queue.start()));
        await Promise.all(queues.map((queue) => queue.close()));
        assert.deepEqual(await migrationNames(databases[0]!, MIGRATION_TABLE), ['001-jobs']);
      });
    }
  });
}
