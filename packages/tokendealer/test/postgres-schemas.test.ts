// Installations sharing one PostgreSQL database in separate schemas: migrating one never looks
// into, or trips over, another, even while that other schema is being dropped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { openStorage } from '../src/storage/index.js';
import { openDatabase } from '../src/storage/database.js';

const postgres = BACKENDS.find((backend) => backend.name === 'postgres');

describe('PostgreSQL installations in separate schemas', { skip: postgres ? false : 'TEST_POSTGRES_URL is not set' }, () => {
  let database: TestDatabase;
  let admin: pg.Client;

  before(async () => {
    database = await postgres!.create();
    admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await database.drop();
  });

  it('the introspector sees the tables of its own schema only', async () => {
    const other = `td_other_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${other}`);
    try {
      await admin.query(`CREATE TABLE ${other}.schema_migrations (id serial primary key)`);
      const storage = await openStorage(database.url);
      await storage.close();
      const handle = openDatabase(database.url);
      try {
        const tables = await handle.db.introspection.getTables();
        const schemas = new Set(tables.map((table) => table.schema));
        assert.equal(schemas.size, 1);
        assert.ok(!schemas.has(other));
        assert.ok(tables.some((table) => table.name === 'schema_migrations'));
        assert.ok(tables.some((table) => table.name === 'clients'));
        assert.deepEqual((await handle.db.introspection.getSchemas()).map((schema) => schema.name), [...schemas]);
      } finally {
        await handle.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA ${other} CASCADE`);
    }
  });

  it('migrates while other schemas with serial columns are created and dropped', async () => {
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const name = `td_churn_${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.t (id serial primary key, a int, b int, c int)`);
        await admin.query(`DROP SCHEMA ${name} CASCADE`);
      }
    })();
    try {
      for (let round = 0; round < 15; round += 1) {
        const storage = await openStorage(database.url);
        await storage.close();
      }
    } finally {
      churning = false;
      await churn;
    }
  });
});
