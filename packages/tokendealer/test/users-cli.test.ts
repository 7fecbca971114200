import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { runCli } from './helpers/cli.js';
import { openStorage } from '../src/storage/index.js';

interface PrintedUser {
  id: string;
  email: string;
  status: string;
  created_at: number;
  confirmed_at: number | null;
}

for (const backend of BACKENDS) {
  describe(`tokendealer users (${backend.name})`, () => {
    let database: TestDatabase;
    const cli = (...args: string[]) => runCli([...args, '--db', database.url]);

    before(async () => {
      database = await backend.create();
    });
    after(() => database.drop());

    it('creates users, pending or confirmed, and prints them without the password hash', async () => {
      const pending = await cli('users', 'create', '--email', 'Pat@Runnerly.TEST', '--password', 'pending pass phrase');
      assert.equal(pending.code, 0, pending.stderr);
      const user = JSON.parse(pending.stdout) as PrintedUser;
      assert.deepEqual(Object.keys(user).sort(), ['confirmed_at', 'created_at', 'email', 'id', 'status']);
      assert.equal(user.email, 'Pat@runnerly.test');
      assert.equal(user.status, 'pending');
      assert.equal(user.confirmed_at, null);

      const confirmed = await cli('users', 'create', '--email', 'ops@runnerly.test', '--password', 'confirmed pass phrase', '--confirmed');
      assert.equal(confirmed.code, 0, confirmed.stderr);
      assert.equal((JSON.parse(confirmed.stdout) as PrintedUser).status, 'active');

      const listed = await cli('users', 'list');
      assert.equal(listed.code, 0);
      const users = JSON.parse(listed.stdout) as PrintedUser[];
      // Listed by creation time, to the second: both were created within one, so either order.
      assert.deepEqual(users.map((entry) => entry.email).sort(), ['Pat@runnerly.test', 'ops@runnerly.test']);
      for (const output of [pending.stdout, confirmed.stdout, listed.stdout]) {
        assert.ok(!output.includes('scrypt') && !output.includes('pass phrase'), 'no hash, no password');
      }
      // The CLI hashes with the production parameters.
      const storage = await openStorage(database.url);
      try {
        assert.match((await storage.users.get(user.id))!.passwordHash, /^\$scrypt\$ln=17,r=8,p=1\$/);
      } finally {
        await storage.close();
      }
    });

    it('disables and deletes users by id or email, ending their sessions', async () => {
      const created = JSON.parse((await cli('users', 'create', '--email', 'dana@runnerly.test', '--password', 'dana pass phrase', '--confirmed')).stdout) as PrintedUser;
      const storage = await openStorage(database.url);
      try {
        await storage.sessions.insert({ session_hash: 'h1', user_id: created.id, auth_time: 1, created_at: 1, last_seen_at: 1, expires_at: 9_999_999_999 });
        const disabled = await cli('users', 'disable', 'DANA@runnerly.test');
        assert.equal(disabled.code, 0, disabled.stderr);
        assert.equal((JSON.parse(disabled.stdout) as PrintedUser).status, 'disabled');
        assert.equal(await storage.sessions.countForUser(created.id), 0);

        await storage.sessions.insert({ session_hash: 'h2', user_id: created.id, auth_time: 1, created_at: 1, last_seen_at: 1, expires_at: 9_999_999_999 });
        const deleted = await cli('users', 'delete', created.id);
        assert.equal(deleted.code, 0, deleted.stderr);
        assert.deepEqual(JSON.parse(deleted.stdout), { id: created.id, email: 'dana@runnerly.test', deleted: true });
        assert.equal(await storage.users.get(created.id), undefined);
        assert.equal(await storage.sessions.countForUser(created.id), 0);
      } finally {
        await storage.close();
      }
    });

    it('refuses bad input with exit code 2 and one clear line, changing nothing', async () => {
      const before = (await cli('users', 'list')).stdout;
      const cases: [string[], RegExp][] = [
        [['users', 'create', '--email', 'not-an-email', '--password', 'long enough pass'], /Enter an email address like name@example.com/],
        [['users', 'create', '--email', 'x@runnerly.test', '--password', 'short'], /at least 8 characters/],
        [['users', 'create', '--email', 'x@runnerly.test', '--password', 'x@runnerly.test'], /must not be your email address/],
        [['users', 'create', '--email', 'ops@RUNNERLY.test', '--password', 'long enough pass'], /already exists/],
        [['users', 'disable', 'nobody@runnerly.test'], /no user nobody@runnerly.test/],
        [['users', 'delete', 'no-such-id'], /no user no-such-id/],
      ];
      for (const [args, message] of cases) {
        const result = await cli(...args);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
        assert.equal(result.stdout, '');
      }
      assert.equal((await cli('users', 'list')).stdout, before);
      const missing = await cli('users', 'create', '--email', 'y@runnerly.test');
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /--password/);
    });
  });
}
