// `tokendealer throttle clear`: an operator clears a lockout, which no restart clears now that
// failures are kept in the database. The CLI finds the hashed keys with the installation's key and
// master secret, prints what it cleared, and a server running on the same database lets the user
// (or client) in again within a poll interval: its blocks and its own counts of the keys go.
import { afterEach, before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { resolveConfig, type TokenDealerConfig } from '../src/config/options.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openDatabase } from '../src/storage/database.js';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { runCli } from './helpers/cli.js';
import { basic, form, TEST_SCRYPT } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';
import { WebClient } from './helpers/web-client.js';
import { throttleKey, throttleSubject, type ThrottleKey } from '../src/throttle/throttle-key.js';
import { until } from './helpers/until.js';

const PASSWORD = 'correct horse battery staple';
const MASTER_SECRET = 'throttle clear test master secret, 32+ characters';
const POLL_MS = 100;
/** What learning a clear may take beyond one poll interval: the poll's query, a busy event loop. */
const POLL_SLACK_MS = 400;
const TEST_TIMEOUT_MS = 30_000;
let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;


async function failureRows(database: TestDatabase) {
  const handle = openDatabase(database.url);
  try {
    return await handle.db.selectFrom('failure_counts').select(['kind', 'count', 'blocked_until']).orderBy('kind').orderBy('key_hash').execute();
  } finally {
    await handle.close();
  }
}

for (const backend of BACKENDS) {
  describe(`tokendealer throttle clear (${backend.name})`, { timeout: 120_000 }, () => {
    let outboxDir: string;
    let cleanups: (() => Promise<void>)[] = [];

    before(() => {
      outboxDir = mkdtempSync(join(tmpdir(), 'tokendealer-throttle-clear-'));
    });
    after(() => rmSync(outboxDir, { recursive: true, force: true }));
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
    });

    /** A database and a server on it that believes X-Forwarded-For from loopback, so that tests choose client addresses. */
    async function serverOn(overrides: Partial<TokenDealerConfig>): Promise<{ database: TestDatabase; server: RunningServer }> {
      const database = await backend.create();
      cleanups.push(() => database.drop());
      const config: TokenDealerConfig = {
        ...resolveConfig({}, {}),
        port: 0,
        db: database.url,
        outboxDir,
        masterSecret: MASTER_SECRET,
        changePollMs: POLL_MS,
        trustProxy: ['127.0.0.1', '::1'],
        ...overrides,
      };
      const server = await startServer(config, pino({ level: 'silent' }), { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs, settleMailBeforeReply: true });
      cleanups.push(() => server.close());
      return { database, server };
    }

    const clear = (database: TestDatabase, ...args: string[]) => runCli(['throttle', 'clear', ...args, '--db', database.url, '--master-secret', MASTER_SECRET]);

    it('clears an account locked out everywhere, and the running server lets its owner sign in again within a poll interval', { timeout: TEST_TIMEOUT_MS }, async () => {
      const { database, server } = await serverOn({ signInFailureLimit: 1 });
      const signIn = async (email: string, password: string, address: string) => {
        const client = new WebClient(server.url, { 'x-forwarded-for': address });
        await client.get('/signin');
        return (await client.post('/signin', { email, password })).status;
      };
      const email = uniqueEmail('locked');
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      // Ten failures from ten addresses: the account is locked everywhere, and at each of these addresses.
      for (let i = 1; i <= 10; i++) assert.equal(await signIn(email, 'wrong password', `192.0.2.${i}`), 401);
      assert.equal(await signIn(email, PASSWORD, '203.0.113.50'), 429);
      await until('the blocks are written', async () => (await failureRows(database)).filter((row) => row.blocked_until !== null).length === 11);

      const cleared = await clear(database, '--email', email.toUpperCase());
      const clearedAt = performance.now();
      assert.equal(cleared.code, 0, cleared.stderr);
      assert.deepEqual(JSON.parse(cleared.stdout), {
        // As the account shows it: the domain in lower case, the local part as given.
        email: `${email.split('@')[0]!.toUpperCase()}@runnerly.test`,
        cleared: 11,
        blocked: 11,
        kinds: { 'sign-in:account': { cleared: 1, blocked: 1 }, 'sign-in:account-address': { cleared: 10, blocked: 10 } },
      });

      // The right password probes without counting a failure: refused until the clear is known.
      await until('the server lets the owner in', async () => (await signIn(email, PASSWORD, '203.0.113.50')) === 303);
      const learnedAfter = performance.now() - clearedAt;
      assert.ok(learnedAfter <= POLL_MS + POLL_SLACK_MS, `learned the clear after ${Math.round(learnedAfter)} ms`);
      assert.equal(await signIn(email, PASSWORD, '192.0.2.1'), 303, 'and at an address where it was locked too');
      // The addresses' own counts (over all accounts) were not the email's: they stay.
      const rows = await failureRows(database);
      assert.deepEqual(
        rows.filter((row) => row.kind === 'sign-in:address').map((row) => Number(row.count)),
        Array<number>(10).fill(1),
      );
      assert.ok(rows.filter((row) => row.kind !== 'sign-in:address').every((row) => Number(row.count) === 0 && row.blocked_until === null));
    });

    it('clears a client at one address, an address, or everything, printing what it cleared', { timeout: TEST_TIMEOUT_MS }, async () => {
      const { database, server } = await serverOn({ authFailureLimit: 2 });
      const client = await server.tokenDealer.clients.create({ name: 'locked', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      await server.tokenDealer.sync();
      const { sharedFailures, limiter } = server.tokenDealer as unknown as { sharedFailures: { settled(): Promise<void> }; limiter: { blockedFor(key: ThrottleKey): number } };
      const clientAt = (address: string) => throttleKey('client-auth:client-address', throttleSubject.client(client.client_id), address);
      const attempt = async (address: string) => {
        const response = await fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, 'wrong'), 'x-forwarded-for': address },
          body: form({ grant_type: 'client_credentials' }),
        });
        await response.arrayBuffer();
        return response.status;
      };
      for (const address of ['10.5.0.1', '10.5.0.2']) for (let i = 0; i < 2; i++) assert.equal(await attempt(address), 401);
      await until('the blocks are written', async () => (await failureRows(database)).filter((row) => row.blocked_until !== null).length === 2);

      const one = await clear(database, '--client', client.client_id, '--address', '10.5.0.1');
      assert.equal(one.code, 0, one.stderr);
      assert.deepEqual(JSON.parse(one.stdout), {
        client: client.client_id,
        address: '10.5.0.1',
        cleared: 1,
        blocked: 1,
        kinds: { 'client-auth:client-address': { cleared: 1, blocked: 1 } },
      });
      // Probing with failures would count them against the address (limit 10): ask the limiter.
      await until('the server drops the block', () => limiter.blockedFor(clientAt('10.5.0.1')) === 0, POLL_MS + POLL_SLACK_MS);
      assert.equal(await attempt('10.5.0.1'), 401, 'failing again at that address');
      assert.equal(await attempt('10.5.0.2'), 429, 'still blocked at the other address');
      await sharedFailures.settled();

      const address = await clear(database, '--address', '10.5.0.2');
      assert.equal(address.code, 0, address.stderr);
      assert.deepEqual(JSON.parse(address.stdout), {
        address: '10.5.0.2',
        cleared: 2,
        blocked: 1,
        kinds: { 'client-auth:address': { cleared: 1, blocked: 0 }, 'client-auth:client-address': { cleared: 1, blocked: 1 } },
      });

      const all = await clear(database, '--all');
      assert.equal(all.code, 0, all.stderr);
      // Left since: the failure at 10.5.0.1 after the first clear (the client's count, and the address's own).
      assert.deepEqual(JSON.parse(all.stdout), {
        all: true,
        cleared: 2,
        blocked: 0,
        kinds: { 'client-auth:address': { cleared: 1, blocked: 0 }, 'client-auth:client-address': { cleared: 1, blocked: 0 } },
      });
      assert.ok((await failureRows(database)).every((row) => Number(row.count) === 0 && row.blocked_until === null));
      await until('the server drops the block at the other address', () => limiter.blockedFor(clientAt('10.5.0.2')) === 0, POLL_MS + POLL_SLACK_MS);
      assert.equal(await attempt('10.5.0.2'), 401);
    });

    it('refuses bad arguments with exit code 2 and one clear line, clearing nothing', { timeout: TEST_TIMEOUT_MS }, async () => {
      const { database, server } = await serverOn({ authFailureLimit: 1 });
      const client = await server.tokenDealer.clients.create({ name: 'kept', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'] });
      await server.tokenDealer.sync();
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, 'wrong'), 'x-forwarded-for': '10.6.0.1' },
        body: form({ grant_type: 'client_credentials' }),
      });
      assert.equal(response.status, 401);
      await until('the failure is written', async () => (await failureRows(database)).some((row) => row.blocked_until !== null));
      const before = await failureRows(database);

      const cases: [string[], RegExp][] = [
        [[], /^tokendealer: say what to clear: --email or --client, and\/or --address; or --all$/],
        [['--all', '--client', client.client_id], /^tokendealer: --all clears every key: give it alone$/],
        [['--email', 'pat@runnerly.test', '--client', client.client_id], /^tokendealer: no key names both an email and a client: give --email or --client$/],
        [['--email', 'not-an-email'], /^tokendealer: --email not-an-email: Enter an email address like name@example.com$/],
        [['--address', '10.6.0.300'], /^tokendealer: --address 10.6.0.300: not an IPv4 or IPv6 address$/],
        [['--client', ''], /^tokendealer: --client needs a client id$/],
      ];
      for (const [args, message] of cases) {
        const result = await clear(database, ...args);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
        assert.match(result.stderr.trim(), message);
        assert.equal(result.stdout, '');
      }
      assert.deepEqual(await failureRows(database), before);
    });
  });
}
