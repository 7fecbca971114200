// A database that cannot be reached is told apart from a wrong query (503, not 500, upstream of
// here), and a connection in use that loses its server never crashes the process.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { sql } from 'kysely';
import { isDatabaseUnavailable, openDatabase, ping } from '../src/index.js';
import { TEST_BACKENDS } from '../src/testing/test-databases.js';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a PostgreSQL server that refuses connections is unavailable', async () => {
  const handle = openDatabase(`postgres://postgres@127.0.0.1:${await closedPort()}/none`);
  try {
    const error = await ping(handle.db).then(() => undefined, (failure: unknown) => failure);
    assert.ok(error !== undefined, 'the ping failed');
    assert.equal(isDatabaseUnavailable(error), true);
  } finally {
    await handle.close();
  }
});

test('errors of the query or the data are not unavailability', () => {
  assert.equal(isDatabaseUnavailable(new Error('boom')), false);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
  assert.equal(isDatabaseUnavailable(undefined), false);
  // Through a cause chain, as wrappers report it.
  assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('shutdown'), { code: '57P01' }) })), true);
});

const postgres = TEST_BACKENDS.find((backend) => backend.name === 'postgres');

test('postgres: a syntax error is not unavailability', { skip: postgres === undefined }, async () => {
  const database = await postgres!.create();
  const handle = openDatabase(database.url);
  try {
    const error = await sql`selec 1`.execute(handle.db).then(() => undefined, (failure: unknown) => failure);
    assert.equal((error as { code?: string }).code, '42601');
    assert.equal(isDatabaseUnavailable(error), false);
  } finally {
    await handle.close();
    await database.drop();
  }
});

test('postgres: a connection in use whose server ends it (57P01) fails its transaction, not the process', { skip: postgres === undefined }, async () => {
  const database = await postgres!.create();
  const handle = openDatabase(database.url);
  try {
    const failure = await handle.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // From another pooled connection, as an operator's shutdown would: the server sends FATAL 57P01
        // to this one while it is checked out and idle, which pg emits as an 'error' event on the client.
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(handle.db);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await sql`select 1`.execute(trx);
      })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(failure !== undefined, 'the transaction failed');
    assert.equal(isDatabaseUnavailable(failure), true, String(failure));
    // The pool dropped the broken client and serves on.
    await ping(handle.db);
  } finally {
    await handle.close();
    await database.drop();
  }
});
