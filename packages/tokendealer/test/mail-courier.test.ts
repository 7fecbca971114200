// The durable mail outbox and its courier, against a real SMTP server: mail survives a mail
// server that is down and a restart, is retried with backoff and given up after a limit, is sent
// once by one of several instances, and its payload is sealed under the master secret.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { resolveConfig } from '../src/config/options.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openDatabase } from '../src/storage/database.js';
import { openStorage } from '../src/storage/index.js';
import { MailOutbox } from '../src/mail/mail-outbox.js';
import type { MailCourierOptions } from '../src/mail/mail-courier.js';
import { confirmationMessage, passwordResetMessage } from '../src/mail/account-messages.js';
import { TextSealer } from '../src/crypto/sealed-text.js';
import type { FastCounter } from '../src/http/fast-metrics.js';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { TEST_SCRYPT } from './helpers/test-server.js';
import { testKeyPairs } from './helpers/test-key-pairs.js';
import { SmtpTestServer, type ReceivedMail } from './helpers/smtp-test-server.js';
import { tokenOf, WebClient } from './helpers/web-client.js';
import { confirmByLink } from './helpers/confirm-link.js';
import { until } from './helpers/until.js';

const MASTER_SECRET = 'a-master-secret-of-at-least-32-characters';
const PASSWORD = 'correct horse battery staple';
const TEST_TIMEOUT_MS = 8000;
let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;

type LogLine = { level: number; msg: string } & Record<string, unknown>;

interface Instance {
  server: RunningServer;
  logs: LogLine[];
}


async function total(counter: FastCounter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, { value }) => sum + value, 0);
}

async function outboxRows(database: TestDatabase) {
  const handle = openDatabase(database.url);
  try {
    return await handle.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute();
  } finally {
    await handle.close();
  }
}

/** The link a received message carries (the text part, decoded). */
function linkIn(mail: ReceivedMail, server: RunningServer, path: string): string {
  const escaped = `${server.url}${path}`.replace(/[.?/]/g, '\\$&');
  const match = new RegExp(`${escaped}\\?token=[\\w-]+`).exec(mail.text);
  assert.ok(match, `no ${path} link in: ${mail.text}`);
  return match[0];
}

async function signUp(server: RunningServer, email: string): Promise<void> {
  const client = new WebClient(server.url);
  assert.equal((await client.get('/signup')).status, 200);
  assert.equal((await client.post('/signup', { email, password: PASSWORD })).status, 200);
}

for (const backend of BACKENDS) {
  describe(`mail outbox and courier (${backend.name})`, { timeout: 60_000 }, () => {
    let smtp: SmtpTestServer;
    let unusedOutboxDir: string;
    let cleanups: (() => Promise<void>)[] = [];

    before(async () => {
      smtp = await SmtpTestServer.start();
      unusedOutboxDir = mkdtempSync(join(tmpdir(), 'tokendealer-unused-outbox-'));
    });
    after(async () => {
      await smtp.stop();
      rmSync(unusedOutboxDir, { recursive: true, force: true });
    });
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
      smtp.reset();
    });

    async function database(): Promise<TestDatabase> {
      const created = await backend.create();
      cleanups.push(() => created.drop());
      return created;
    }

    /** A TokenDealer mailing over the test SMTP server; pages answer once the courier went through what is due. */
    async function startInstance(db: TestDatabase, options: { masterSecret?: string; courier?: Partial<MailCourierOptions> } = {}): Promise<Instance> {
      const logs: LogLine[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
      const config = { ...resolveConfig({}, {}), port: 0, db: db.url, smtpUrl: smtp.url, outboxDir: unusedOutboxDir, masterSecret: options.masterSecret };
      const server = await startServer(config, logger, { scrypt: TEST_SCRYPT, generateKeyPair: testKeyPairs, settleMailBeforeReply: true, mailCourier: options.courier });
      let closed = false;
      cleanups.push(async () => {
        if (!closed) await server.close();
      });
      return {
        server: {
          ...server,
          async close() {
            closed = true;
            await server.close();
          },
        },
        logs,
      };
    }

    it('sends the confirmation mail of a sign-up over SMTP, and the mailed link works', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server } = await startInstance(db);
      const email = uniqueEmail('smtp');
      await signUp(server, email);

      assert.equal(smtp.received.length, 1, 'delivered before the page answered (settleMailBeforeReply)');
      const [mail] = smtp.received;
      assert.deepEqual(mail!.to, [email]);
      assert.equal(mail!.subject, 'Confirm your email address');
      const link = linkIn(mail!, server, '/confirm');
      assert.deepEqual(await outboxRows(db), [], 'the row is deleted once sent');
      assert.equal(await total(server.tokenDealer.metrics.mailSent), 1);
      assert.equal((await confirmByLink(server.url, link, PASSWORD)).status, 200);
    });

    it('keeps a refused message with its attempt counted and a later attempt due, and delivers it once the mail server is back', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server } = await startInstance(db, { courier: { firstDelayMs: 1000, pollIntervalMs: 50 } });
      smtp.refusing = true;
      const email = uniqueEmail('refused');
      const before = Date.now();
      await signUp(server, email);

      assert.equal(smtp.refused, 1);
      assert.equal(smtp.received.length, 0);
      const [row, ...others] = await outboxRows(db);
      assert.equal(others.length, 0);
      assert.equal(row!.attempts, 1);
      assert.equal(row!.lease_until, null, 'the lease is released');
      assert.ok(row!.next_attempt_at >= before + 1000 && row!.next_attempt_at <= Date.now() + 1000, `next attempt at ${row!.next_attempt_at}`);
      assert.equal(row!.last_error, 'EMESSAGE 451', 'the error code only, never the server text');
      // No master secret: stored as it is, like the signing keys.
      assert.equal((JSON.parse(row!.payload) as { to: string }).to, email);
      assert.equal(await total(server.tokenDealer.metrics.mailRetried), 1);

      smtp.refusing = false;
      await until('the message is delivered', () => smtp.received.length === 1);
      await until('the row is deleted', async () => (await outboxRows(db)).length === 0);
      await server.tokenDealer.mailCourier.settled();
      assert.equal(smtp.refused, 1, 'not tried again before the backoff');
      assert.deepEqual(smtp.received.map((mail) => mail.to), [[email]]);
      assert.ok(row!.payload.includes(tokenOf(linkIn(smtp.received[0]!, server, '/confirm'))), 'without a master secret the link is readable in the table');
      assert.equal(await total(server.tokenDealer.metrics.mailSent), 1);
      assert.equal(await total(server.tokenDealer.metrics.mailRetried), 1);
    });

    it('gives a message up after the last attempt: the row is gone, and the log says so without the message', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server, logs } = await startInstance(db, { courier: { firstDelayMs: 50, maxDelayMs: 100, maxAttempts: 3, pollIntervalMs: 20 } });
      const email = uniqueEmail('given-up');
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      smtp.refusing = true;
      const client = new WebClient(server.url);
      await client.get('/reset');
      assert.equal((await client.post('/reset', { email })).status, 200);

      await until('the message is given up', async () => (await total(server.tokenDealer.metrics.mailGivenUp)) === 1);
      assert.deepEqual(await outboxRows(db), []);
      assert.equal(smtp.refused, 3, 'three attempts');
      assert.equal(smtp.received.length, 0);
      assert.equal(await total(server.tokenDealer.metrics.mailRetried), 2);
      assert.equal(await total(server.tokenDealer.metrics.mailSent), 0);
      const givenUp = logs.filter((line) => line.msg === 'mail given up');
      assert.equal(givenUp.length, 1);
      assert.equal(givenUp[0]!.level, 50, 'logged as an error');
      assert.equal(givenUp[0]!.attempts, 3);
      assert.equal(givenUp[0]!.reason, 'EMESSAGE 451');
      const everything = JSON.stringify(logs);
      assert.ok(!everything.includes('token='), 'no link in the logs');
      assert.ok(!everything.includes('asked to reset the password'), 'no message body in the logs');
      assert.ok(!everything.includes(email), 'no recipient in the logs');
    });

    it('gives a message up at once when the mail server refuses its recipient for good', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server, logs } = await startInstance(db, { courier: { firstDelayMs: 50, pollIntervalMs: 20 } });
      const email = uniqueEmail('unknown');
      smtp.unknownRecipients.add(email);
      await signUp(server, email);

      assert.equal(smtp.refused, 1, 'one attempt');
      assert.equal(smtp.received.length, 0);
      assert.deepEqual(await outboxRows(db), []);
      assert.equal(await total(server.tokenDealer.metrics.mailGivenUp), 1);
      assert.equal(await total(server.tokenDealer.metrics.mailRetried), 0);
      const givenUp = logs.filter((line) => line.msg === 'mail given up');
      assert.deepEqual(givenUp.map((line) => line.reason), ['EENVELOPE 550 (permanent)']);
      await sleep(150);
      assert.equal(smtp.refused, 1, 'never tried again');
    });

    it('gives up a message whose link expired before it could be sent, and stores the expiry of account mail', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server, logs } = await startInstance(db, { courier: { firstDelayMs: 60_000, pollIntervalMs: 20 } });
      const email = uniqueEmail('expiry');
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      smtp.refusing = true;
      const before = Date.now();
      const client = new WebClient(server.url);
      await client.get('/reset');
      assert.equal((await client.post('/reset', { email })).status, 200);
      const [row] = await outboxRows(db);
      const expiresAt = (JSON.parse(row!.payload) as { expiresAt: number }).expiresAt;
      assert.ok(expiresAt >= Math.floor(before / 1000) * 1000 + 3_600_000 && expiresAt <= Date.now() + 3_600_000, `reset link expiry ${expiresAt}`);

      smtp.refusing = false;
      const outbox = new MailOutbox(server.tokenDealer.storage.mailOutbox, undefined);
      await outbox.add({ ...passwordResetMessage('late@runnerly.test', 'https://auth.runnerly.test/reset/new?token=late'), expiresAt: Date.now() - 1 });
      server.tokenDealer.mailCourier.wake();
      await until('the expired message is given up', async () => (await total(server.tokenDealer.metrics.mailGivenUp)) === 1);
      assert.equal(smtp.received.length, 0, 'the expired message is not sent');
      assert.deepEqual(logs.filter((line) => line.msg === 'mail given up').map((line) => line.reason), ['link expired']);
      assert.equal((await outboxRows(db)).length, 1, 'the refused reset mail still waits for its next attempt');
    });

    it('lets concurrent claims take each row once, and takes a row again once its lease has run out', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const [first, second] = [await openStorage(db.url), await openStorage(db.url)];
      try {
        const outbox = new MailOutbox(first.mailOutbox, undefined);
        for (let i = 0; i < 12; i++) await outbox.add(confirmationMessage(`claim${i}@runnerly.test`, `https://auth.runnerly.test/confirm?token=${i}`));
        const now = Date.now();
        const claims = await Promise.all([first, second, first, second].map((storage) => storage.mailOutbox.claimDue(now, now + 60_000, 5)));
        const ids = claims.flat().map((row) => row.id);
        assert.equal(ids.length, 12, `claimed ${claims.map((rows) => rows.length).join(' + ')}`);
        assert.equal(new Set(ids).size, 12, 'no row claimed twice');
        assert.ok(claims.flat().every((row) => row.attempts === 1));
        assert.deepEqual(await second.mailOutbox.claimDue(now + 59_999, now + 120_000, 20), [], 'leased rows stay with their claimer');
        const reclaimed = await second.mailOutbox.claimDue(now + 60_000, now + 120_000, 20);
        assert.equal(reclaimed.length, 12, 'a lease that ran out frees the row');
        assert.ok(reclaimed.every((row) => row.attempts === 2));
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('delivers each message exactly once when two instances share the database', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const courier = { pollIntervalMs: 100 };
      const [a, b] = [await startInstance(db, { courier }), await startInstance(db, { courier })];
      smtp.delayMs = 10;
      const outbox = new MailOutbox(a.server.tokenDealer.storage.mailOutbox, undefined);
      const recipients = Array.from({ length: 20 }, (_, i) => `twice${i}@runnerly.test`);
      for (const to of recipients) await outbox.add(passwordResetMessage(to, `https://auth.runnerly.test/reset/new?token=${to}`));
      a.server.tokenDealer.mailCourier.wake();
      b.server.tokenDealer.mailCourier.wake();

      await until('the outbox is empty', async () => (await outboxRows(db)).length === 0);
      await Promise.all([a.server.tokenDealer.mailCourier.settled(), b.server.tokenDealer.mailCourier.settled()]);
      assert.deepEqual(smtp.received.map((mail) => mail.to[0]).sort(), [...recipients].sort());
      const sent = [await total(a.server.tokenDealer.metrics.mailSent), await total(b.server.tokenDealer.metrics.mailSent)];
      assert.equal(sent[0]! + sent[1]!, 20, `sent ${sent.join(' + ')}`);
    });

    it('seals the payload under the master secret, bound to its row: the link token is not in the table', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server } = await startInstance(db, { masterSecret: MASTER_SECRET, courier: { firstDelayMs: 300, pollIntervalMs: 50 } });
      smtp.refusing = true;
      const email = uniqueEmail('sealed');
      await signUp(server, email);
      const [row] = await outboxRows(db);
      assert.ok(row, 'the refused message waits in the outbox');

      smtp.refusing = false;
      await until('the message is delivered', () => smtp.received.length === 1);
      const token = tokenOf(linkIn(smtp.received[0]!, server, '/confirm'));
      assert.match(row.payload, /^enc:v1:/);
      assert.ok(!row.payload.includes(token), 'the link token is not stored in clear');
      assert.ok(!row.payload.includes(email), 'nor the recipient');
      const sealer = new TextSealer(MASTER_SECRET, 'mail-outbox-encryption');
      assert.ok(sealer.open(row.id, row.payload).includes(token), 'the master secret opens it');
      assert.throws(() => sealer.open('another-row', row.payload), 'moved to another row, it does not open');
      assert.throws(() => new TextSealer(MASTER_SECRET, 'signing-key-encryption').open(row.id, row.payload), 'other data keys do not open it');
    });

    it('leaves unsent mail in the outbox on close, and a new instance on the same database delivers it at start', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      // No polling: only the failure, then the start of the next instance, move the message.
      const first = await startInstance(db, { courier: { firstDelayMs: 200, pollIntervalMs: 60_000 } });
      smtp.refusing = true;
      const email = uniqueEmail('restart');
      await signUp(first.server, email);
      await first.server.close();
      const [left, ...others] = await outboxRows(db);
      assert.equal(others.length, 0);
      assert.equal(left!.attempts, 1);
      assert.equal(smtp.received.length, 0);

      smtp.refusing = false;
      await sleep(Math.max(left!.next_attempt_at - Date.now(), 0) + 10);
      const second = await startInstance(db, { courier: { pollIntervalMs: 60_000 } });
      await second.server.tokenDealer.mailCourier.settled();
      assert.deepEqual(smtp.received.map((mail) => mail.to), [[email]]);
      assert.deepEqual(await outboxRows(db), []);
      // The link names the first instance (its port), whose message it was; the database is the same.
      assert.equal((await confirmByLink(second.server.url, linkIn(smtp.received[0]!, first.server, '/confirm'), PASSWORD)).status, 200);
    });

    it('finishes the send in flight on close and claims nothing more', { timeout: TEST_TIMEOUT_MS }, async () => {
      const db = await database();
      const { server } = await startInstance(db, { courier: { concurrency: 1, pollIntervalMs: 60_000 } });
      smtp.delayMs = 300;
      const outbox = new MailOutbox(server.tokenDealer.storage.mailOutbox, undefined);
      await outbox.add(confirmationMessage('first@runnerly.test', 'https://auth.runnerly.test/confirm?token=first'), Date.now() - 1);
      await outbox.add(confirmationMessage('second@runnerly.test', 'https://auth.runnerly.test/confirm?token=second'));
      server.tokenDealer.mailCourier.wake();
      await until('the first message is being sent', () => smtp.inFlight === 1);

      await server.close();
      assert.deepEqual(smtp.received.map((mail) => mail.to), [['first@runnerly.test']], 'the send in flight finished');
      const rows = await outboxRows(db);
      assert.equal(rows.length, 1, 'the sent row is deleted, the other stays');
      assert.equal(rows[0]!.attempts, 0, 'the other was not claimed');
    });
  });
}
