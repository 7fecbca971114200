// Failure limits shared through the database: two instances on one database count failed
// sign-ins, failed client authentications and mail requests together, learn each other's blocks
// within a poll interval, and a restarted instance still refuses; ended counts are pruned, and a
// database that fails to record a failure costs no request, only the sharing.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { sql } from 'kysely';
import { resolveConfig, type TokenDealerConfig } from '../src/config/options.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openDatabase } from '../src/storage/database.js';
import { normalizeEmail } from '../src/accounts/email-address.js';
import { throttleKey, throttleSubject, type ThrottleKey } from '../src/throttle/throttle-key.js';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { basic, form, TEST_SCRYPT } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';
import { WebClient } from './helpers/web-client.js';
import { until } from './helpers/until.js';

const PASSWORD = 'correct horse battery staple';
const LIMIT = 3;
const POLL_MS = 100;
/** What learning a block may take beyond one poll interval: the write, the poll's query, a busy event loop. */
const POLL_SLACK_MS = 400;
const TEST_TIMEOUT_MS = 20_000;
let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;

type LogLine = { level: number; msg: string } & Record<string, unknown>;

interface Instance {
  server: RunningServer;
  logs: LogLine[];
  close(): Promise<void>;
}

interface Limiter {
  blockedFor(key: ThrottleKey): number;
}


function clientAuthLimiter(instance: Instance): Limiter {
  return (instance.server.tokenDealer as unknown as { limiter: Limiter }).limiter;
}

function mailLimiter(instance: Instance): Limiter {
  return (instance.server.tokenDealer as unknown as { mailThrottle: { limiter: Limiter } }).mailThrottle.limiter;
}

async function signIn(instance: Instance, email: string, password: string, address: string): Promise<number> {
  const client = new WebClient(instance.server.url, { 'x-forwarded-for': address });
  await client.get('/signin');
  return (await client.post('/signin', { email, password })).status;
}

async function signUp(instance: Instance, email: string, address: string): Promise<number> {
  const client = new WebClient(instance.server.url, { 'x-forwarded-for': address });
  await client.get('/signup');
  return (await client.post('/signup', { email, password: PASSWORD })).status;
}

async function clientCredentials(instance: Instance, clientId: string, secret: string, address: string): Promise<number> {
  const response = await fetch(`${instance.server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret), 'x-forwarded-for': address },
    body: form({ grant_type: 'client_credentials' }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function failureRows(database: TestDatabase) {
  const handle = openDatabase(database.url);
  try {
    return await handle.db.selectFrom('failure_counts').selectAll().orderBy('window_end').execute();
  } finally {
    await handle.close();
  }
}

async function renameTable(database: TestDatabase, from: string, to: string): Promise<void> {
  const handle = openDatabase(database.url);
  try {
    await sql`alter table ${sql.table(from)} rename to ${sql.table(to)}`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

for (const backend of BACKENDS) {
  describe(`failure limits shared by instances (${backend.name})`, { timeout: 120_000 }, () => {
    let outboxDir: string;
    let cleanups: (() => Promise<void>)[] = [];

    before(() => {
      outboxDir = mkdtempSync(join(tmpdir(), 'tokendealer-shared-failures-'));
    });
    after(() => rmSync(outboxDir, { recursive: true, force: true }));
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
    });

    async function database(): Promise<TestDatabase> {
      const created = await backend.create();
      cleanups.push(() => created.drop());
      return created;
    }

    /** A TokenDealer on the database, believing X-Forwarded-For from loopback so that tests choose client addresses. */
    async function startInstance(db: TestDatabase, overrides: Partial<TokenDealerConfig> = {}): Promise<Instance> {
      const logs: LogLine[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
      const config: TokenDealerConfig = {
        ...resolveConfig({}, {}),
        port: 0,
        db: db.url,
        outboxDir,
        changePollMs: POLL_MS,
        trustProxy: ['127.0.0.1', '::1'],
        signInFailureLimit: LIMIT,
        authFailureLimit: LIMIT,
        ...overrides,
      };
      const server = await startServer(config, logger, { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs, settleMailBeforeReply: true });
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await server.close();
      };
      cleanups.push(close);
      return { server, logs, close };
    }

    async function twoInstances(): Promise<[Instance, Instance, TestDatabase]> {
      const db = await database();
      return [await startInstance(db), await startInstance(db), db];
    }

    it('locks an account at one address on both instances within a poll interval once the failures spread over them reach the limit', { timeout: TEST_TIMEOUT_MS }, async () => {
      const [a, b] = await twoInstances();
      const email = uniqueEmail('spread');
      await a.server.tokenDealer.accounts.create(email, PASSWORD, true);
      const address = '198.51.100.10';
      // Two failures on a, one on b: neither instance reaches the limit by itself.
      for (const instance of [a, b, a]) assert.equal(await signIn(instance, email, 'wrong password', address), 401);
      const lastFailure = performance.now();

      // The right password probes without counting a failure: it signs in until the block is known.
      await until('b refuses the account at that address', async () => (await signIn(b, email, PASSWORD, address)) === 429);
      const learnedAfter = performance.now() - lastFailure;
      assert.ok(learnedAfter <= POLL_MS + POLL_SLACK_MS, `b learned the block after ${Math.round(learnedAfter)} ms`);
      assert.equal(await signIn(a, email, PASSWORD, address), 429, 'a, whose write reached the limit, refuses too');
      for (const instance of [a, b]) assert.equal(await signIn(instance, email, PASSWORD, '203.0.113.10'), 303, 'the owner elsewhere still signs in');
    });

    it('lets no crafted "email" lock an account out at the address it names, on either instance', { timeout: TEST_TIMEOUT_MS }, async () => {
      const [a, b, db] = await twoInstances();
      const email = uniqueEmail('crafted');
      await a.server.tokenDealer.accounts.create(email, PASSWORD, true);
      // Input that is no email, spelled like the old keys: ten times the limit, from ten addresses and
      // both instances, blocks its account-wide count in the database, which was the owner's count at
      // 198.51.100.80.
      for (let i = 0; i < 10 * LIMIT; i++) {
        assert.equal(await signIn(i % 2 === 0 ? a : b, `${email}|ip:198.51.100.80`, 'wrong password', `192.0.2.${80 + (i % 10)}`), 401);
      }
      await until('the input is blocked', async () => (await failureRows(db)).some((row) => row.blocked_until !== null));
      await sleep(POLL_MS + POLL_SLACK_MS);
      for (const instance of [a, b]) assert.equal(await signIn(instance, email, PASSWORD, '198.51.100.80'), 303, 'the owner signs in at that address');
    });

    it('blocks client-secret guessing spread over both instances on both, while the right secret still passes', { timeout: TEST_TIMEOUT_MS }, async () => {
      const [a, b] = await twoInstances();
      const client = await a.server.tokenDealer.clients.create({ name: 'spread', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      const secret = (client as { client_secret: string }).client_secret;
      await Promise.all([a.server.tokenDealer.sync(), b.server.tokenDealer.sync()]);
      const address = '10.9.0.1';
      for (const instance of [a, b, a]) assert.equal(await clientCredentials(instance, client.client_id, 'wrong', address), 401);
      const lastFailure = performance.now();

      const key = throttleKey('client-auth:client-address', throttleSubject.client(client.client_id), address);
      await until('both instances know the block', () => [a, b].every((instance) => clientAuthLimiter(instance).blockedFor(key) > 0));
      const learnedAfter = performance.now() - lastFailure;
      assert.ok(learnedAfter <= POLL_MS + POLL_SLACK_MS, `learned the block after ${Math.round(learnedAfter)} ms`);
      // a counted two failures and b one: only the shared count refuses here.
      for (const instance of [a, b]) assert.equal(await clientCredentials(instance, client.client_id, 'wrong again', address), 429);
      for (const instance of [a, b]) assert.equal(await clientCredentials(instance, client.client_id, secret, address), 200, 'the right secret is never locked out');
      for (const instance of [a, b]) assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.9.0.2'), 401, 'another address has its own count');
    });

    it('counts sign-up requests of one email over both instances', { timeout: TEST_TIMEOUT_MS }, async () => {
      const [a, b] = await twoInstances();
      const email = uniqueEmail('mail');
      // Five requests per email and hour: three on a, two on b.
      for (const instance of [a, b, a, b, a]) assert.equal(await signUp(instance, email, '198.51.100.20'), 200);
      const key = throttleKey('mail:sign-up-email', throttleSubject.email(normalizeEmail(email).key), null);
      await until('both instances know the block', () => [a, b].every((instance) => mailLimiter(instance).blockedFor(key) > 0));
      for (const instance of [a, b]) assert.equal(await signUp(instance, email, '198.51.100.21'), 429);
    });

    it('still refuses a blocked client and a locked account after a restart', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const first = await startInstance(db);
      const client = await first.server.tokenDealer.clients.create({ name: 'restart', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      const secret = (client as { client_secret: string }).client_secret;
      await first.server.tokenDealer.sync();
      const email = uniqueEmail('restart');
      await first.server.tokenDealer.accounts.create(email, PASSWORD, true);
      for (let i = 0; i < LIMIT; i++) {
        assert.equal(await clientCredentials(first, client.client_id, 'wrong', '10.7.0.1'), 401);
        assert.equal(await signIn(first, email, 'wrong password', '10.7.0.2'), 401);
      }
      await first.close();

      const restarted = await startInstance(db);
      assert.equal(await clientCredentials(restarted, client.client_id, 'wrong', '10.7.0.1'), 429, 'refused at the first attempt');
      assert.equal(await clientCredentials(restarted, client.client_id, secret, '10.7.0.1'), 200);
      assert.equal(await signIn(restarted, email, PASSWORD, '10.7.0.2'), 429);
      assert.equal(await signIn(restarted, email, PASSWORD, '10.7.0.3'), 303);
    });

    it('prunes counts whose window has ended and keeps the others', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const instance = await startInstance(db, { authFailureWindow: 1 });
      const client = await instance.server.tokenDealer.clients.create({ name: 'prune', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      await instance.server.tokenDealer.sync();
      for (let i = 0; i < LIMIT; i++) assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.8.0.1'), 401);
      assert.equal(await signIn(instance, uniqueEmail('prune'), 'wrong password', '10.8.0.2'), 401);
      // Client and address for the client authentications (one-second window); account and address, account, address for the sign-in.
      await until('the failures are written', async () => { const rows = await failureRows(db); return rows.length === 5 && rows.some((row) => row.blocked_until !== null); });
      const rows = await failureRows(db);
      const ended = Math.max(...rows.slice(0, 2).map((row) => Number(row.window_end)));
      assert.ok(Number(rows[2]!.window_end) > ended + 800_000, 'the sign-in windows last 900 s');
      assert.ok(rows.every((row) => !JSON.stringify(row).includes('10.8.0.')), 'keys are stored hashed');

      await instance.server.tokenDealer.housekeeping(Math.ceil(ended / 1000));
      const left = await failureRows(db);
      assert.equal(left.length, 3);
      assert.ok(left.every((row) => Number(row.window_end) > ended));
    });

    it('answers normally when recording a failure fails, counts in the instance meanwhile, logs once, and shares again once the database works', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const instance = await startInstance(db);
      const client = await instance.server.tokenDealer.clients.create({ name: 'db-error', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      const secret = (client as { client_secret: string }).client_secret;
      await instance.server.tokenDealer.sync();
      await renameTable(db, 'failure_counts', 'failure_counts_away');
      const errors = (pattern: RegExp) => instance.logs.filter((line) => line.level >= 50 && pattern.test(line.msg));

      for (let i = 0; i < LIMIT; i++) assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.6.0.1'), 401);
      assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.6.0.1'), 429, 'counted in the instance');
      assert.equal(await clientCredentials(instance, client.client_id, secret, '10.6.0.1'), 200);
      assert.equal(await signIn(instance, uniqueEmail('db-error'), 'wrong password', '10.6.0.2'), 401);
      assert.equal(await signUp(instance, uniqueEmail('db-error'), '10.6.0.3'), 200);
      await until('the write failure is logged', () => errors(/^recording failures in the database failed/).length > 0);
      // After the pause that follows a failed write, another failure tries the database again, and fails again.
      await sleep(1100);
      assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.6.0.4'), 401);
      await until('the polls have failed', () => errors(/^reading blocked keys from the database failed/).length > 0);
      await sleep(2 * POLL_MS);
      assert.equal(errors(/^recording failures in the database failed/).length, 1, 'logged once');
      assert.equal(errors(/^reading blocked keys from the database failed/).length, 1, 'logged once');

      await renameTable(db, 'failure_counts_away', 'failure_counts');
      await sleep(1100);
      assert.equal(await clientCredentials(instance, client.client_id, 'wrong', '10.6.0.5'), 401);
      await until('the failure is written', async () => (await failureRows(db)).length > 0);
      await until('recovery is logged', () => instance.logs.some((line) => line.msg === 'recording failures in the database works again'));
      await until('polls work again', () => instance.logs.some((line) => line.msg === 'reading blocked keys from the database works again'));
    });
  });
}
