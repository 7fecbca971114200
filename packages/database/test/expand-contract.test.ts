// The expand/contract checker catches what would break the release before a migration, and lets
// additive migrations through, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely, Migration } from 'kysely';
import { deleteBatch, openDatabase, staticMigrations } from '../src/index.js';
import { checkExpandContract, migrationSteps, TEST_BACKENDS } from '../src/testing/index.js';

const notes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).addColumn('tag', 'text').execute();
  },
};
const expand: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('notes').addColumn('author', 'text').execute();
    await db.schema.alterTable('notes').addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createTable('labels').addColumn('name', 'text', (c) => c.primaryKey()).execute();
    await db.schema.createIndex('notes_tag').on('notes').column('tag').execute();
  },
};
const contract: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('notes_tag').execute();
    await db.schema.alterTable('notes').dropColumn('tag').execute();
    await db.schema.dropTable('labels').execute();
  },
};
for (const backend of TEST_BACKENDS) {
  test(`${backend.name}: additive migrations pass, dropped tables and columns are named`, async () => {
    const database = await backend.create();
    try {
      const steps = await migrationSteps(database.url, staticMigrations({ '001-notes': notes, '002-expand': expand, '003-contract': contract }));
      assert.deepEqual(steps, [
        { migration: '001-notes', violations: [] },
        { migration: '002-expand', violations: [] },
        { migration: '003-contract', violations: ['drops column notes.tag', 'drops table labels'] },
      ]);
    } finally {
      await database.drop();
    }
  });

  test(`${backend.name}: a new NOT NULL column without a default is named`, async () => {
    const database = await backend.create();
    try {
      const noDefault: Migration = {
        async up(db: Kysely<unknown>) {
          // The shape SQLite cannot add in place: a table rebuilt with a required column, as SQLite migrations do it.
          await db.schema.createTable('notes_new').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).addColumn('tag', 'text').addColumn('owner', 'text', (c) => c.notNull()).execute();
          await db.schema.dropTable('notes').execute();
          await db.schema.alterTable('notes_new').renameTo('notes').execute();
        },
      };
      const steps = await migrationSteps(database.url, staticMigrations({ '001-notes': notes, '002-owner': noDefault }));
      assert.deepEqual(steps[1], { migration: '002-owner', violations: ['adds notes.owner NOT NULL without a default'] });
    } finally {
      await database.drop();
    }
  });
}

for (const backend of TEST_BACKENDS) {
  test(`${backend.name}: deleteBatch deletes at most its limit of matching rows, by a one-column or a composite key`, async () => {
    const database = await backend.create();
    const handle = openDatabase<unknown>(database.url);
    try {
      await handle.db.schema.createTable('codes').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('expires_at', 'bigint', (c) => c.notNull()).execute();
      await handle.db.schema.createTable('jtis').addColumn('client', 'text', (c) => c.notNull()).addColumn('jti', 'text', (c) => c.notNull()).addColumn('expires_at', 'bigint', (c) => c.notNull()).addPrimaryKeyConstraint('jtis_pk', ['client', 'jti']).execute();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a schema made up here
      const db = handle.db as Kysely<any>;
      await db.insertInto('codes').values(Array.from({ length: 25 }, (_, i) => ({ id: `c${i}`, expires_at: i }))).execute();
      await db.insertInto('jtis').values(Array.from({ length: 10 }, (_, i) => ({ client: i % 2 ? 'a' : 'b', jti: 'same', expires_at: i })).map((row, i) => ({ ...row, jti: `j${Math.floor(i / 2)}` }))).execute();
      assert.equal(await deleteBatch(db, 'codes', 'id', (eb) => eb('expires_at', '<', 20), 8), 8);
      assert.equal(await deleteBatch(db, 'codes', 'id', (eb) => eb('expires_at', '<', 20), 8), 8);
      assert.equal(await deleteBatch(db, 'codes', 'id', (eb) => eb('expires_at', '<', 20), 8), 4);
      assert.equal(await deleteBatch(db, 'codes', 'id', (eb) => eb('expires_at', '<', 20), 8), 0);
      assert.equal(Number((await db.selectFrom('codes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 5);
      assert.equal(await deleteBatch(db, 'jtis', ['client', 'jti'], (eb) => eb('expires_at', '<', 5), 3), 3);
      assert.equal(await deleteBatch(db, 'jtis', ['client', 'jti'], (eb) => eb('expires_at', '<', 5), 3), 2);
      const left = await db.selectFrom('jtis').select('expires_at').orderBy('expires_at').execute();
      assert.deepEqual(left.map((row) => Number(row.expires_at)), [5, 6, 7, 8, 9]);
    } finally {
      await handle.close();
      await database.drop();
    }
  });
}

for (const backend of TEST_BACKENDS) {
  test(`${backend.name}: the previous release's inserts fail on a new required column, and pass on additive changes`, async () => {
    const required: Migration = {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('notes_new').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).addColumn('tag', 'text').addColumn('owner', 'text', (c) => c.notNull()).execute();
        await db.schema.dropTable('notes').execute();
        await db.schema.alterTable('notes_new').renameTo('notes').execute();
      },
    };
    const additive = await checkExpandContract(backend, staticMigrations({ '001-notes': notes, '002-expand': expand }));
    assert.deepEqual(additive, { contractions: [], previousRelease: [] });
    const breaking = await checkExpandContract(backend, staticMigrations({ '001-notes': notes, '002-owner': required }));
    assert.deepEqual(breaking.contractions, [{ migration: '002-owner', violations: ['adds notes.owner NOT NULL without a default'] }]);
    assert.equal(breaking.previousRelease.length, 1);
    assert.match(breaking.previousRelease[0]!, /^notes: .*(NOT NULL constraint failed: notes.owner|"owner" of relation "notes" violates not-null)/);
  });
}
