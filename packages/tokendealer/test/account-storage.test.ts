import { EMPTY_PROFILE } from '../src/accounts/user.js';
// The account stores against every backend.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { openStorage, type Storage } from '../src/storage/index.js';
import type { UserRecord } from '../src/accounts/user.js';
import { LinkTokens } from '../src/accounts/link-tokens.js';
import { SessionService } from '../src/sessions/session-service.js';
import { AccountService } from '../src/accounts/account-service.js';
import { PasswordHasher } from '../src/accounts/password-hasher.js';

const user = (userId: string, email: string): UserRecord => ({
  userId,
  email,
  emailKey: email.toLowerCase(),
  passwordHash: '$scrypt$stub',
  status: 'active',
  createdAt: 1_700_000_000,
  confirmedAt: 1_700_000_000,
  updatedAt: 1_700_000_000,
  profile: EMPTY_PROFILE,
});

for (const backend of BACKENDS) {
  describe(`account storage (${backend.name})`, () => {
    let database: TestDatabase;
    let storage: Storage;

    before(async () => {
      database = await backend.create();
      storage = await openStorage(database.url);
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    it('keeps one account per email, whatever its case', async () => {
      assert.equal(await storage.users.insert(user('u1', 'Ann@runnerly.test')), true);
      assert.equal(await storage.users.insert(user('u2', 'ann@runnerly.test')), false);
      assert.equal((await storage.users.findByEmailKey('ann@runnerly.test'))?.userId, 'u1');
      assert.equal(await storage.users.get('u2'), undefined);
    });

    it('consumes a link token exactly once, even when two uses race', async () => {
      await storage.users.insert(user('u3', 'race@runnerly.test'));
      const links = new LinkTokens(storage.linkTokens);
      const token = await links.issue('u3', 'confirm', 1000);
      const results = await Promise.allSettled([links.consume(token, 'confirm', 1001), links.consume(token, 'confirm', 1001), links.consume(token, 'confirm', 1001)]);
      assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected', 'rejected']);
      const reset = await links.issue('u3', 'reset', 1000);
      await assert.rejects(links.consume(reset, 'confirm', 1001), /not valid/, 'a token serves its own purpose only');
      await assert.rejects(links.consume(reset, 'reset', 1000 + 3600), /expired/);
      await assert.rejects(links.consume(reset, 'reset', 1001), /not valid/, 'an expired token is gone');
    });

    it('stores only hashes of link tokens and session ids', async () => {
      await storage.users.insert(user('u4', 'hash@runnerly.test'));
      const token = await new LinkTokens(storage.linkTokens).issue('u4', 'reset', 1000);
      const sessions = new SessionService(storage.sessions, { absolute: 3600, idle: 600 });
      const { id, hash } = await sessions.start('u4', 1000);
      assert.notEqual(hash, id);
      assert.equal(await storage.linkTokens.peek(token, 'reset'), undefined, 'the raw token is not a key');
      assert.equal(await storage.sessions.find(id), undefined, 'the raw id is not a key');
      assert.equal((await sessions.find(id, 1001))?.userId, 'u4');
    });

    it('ends sessions at their absolute and idle lifetimes, and prunes them', async () => {
      await storage.users.insert(user('u5', 'life@runnerly.test'));
      const sessions = new SessionService(storage.sessions, { absolute: 3600, idle: 600 });
      const kept = await sessions.start('u5', 1000);
      assert.equal((await sessions.find(kept.id, 1500))?.authTime, 1000);
      assert.equal((await sessions.find(kept.id, 2050))?.userId, 'u5', 'touched at 1500, so not idle at 2050');
      assert.equal(await sessions.find(kept.id, 4600), undefined, 'absolute lifetime over');
      const idle = await sessions.start('u5', 1000);
      assert.equal(await sessions.find(idle.id, 1600), undefined, 'idle for 600 s');
      await sessions.start('u5', 1000);
      const live = await sessions.start('u5', 4900);
      assert.equal(await storage.sessions.countForUser('u5'), 2);
      assert.ok((await sessions.pruneExpired(5000)) >= 1);
      assert.equal(await storage.sessions.countForUser('u5'), 1, 'only the live session is left');
      assert.equal((await sessions.find(live.id, 5000))?.userId, 'u5');
    });

    it('deletes a user with its sessions and links, and disabling ends its sessions', async () => {
      await storage.users.insert(user('u6', 'gone@runnerly.test'));
      const sessions = new SessionService(storage.sessions, { absolute: 3600, idle: 600 });
      const session = await sessions.start('u6', 1000);
      const token = await new LinkTokens(storage.linkTokens).issue('u6', 'reset', 1000);
      assert.equal(await storage.users.disable('u6', 1001), true);
      assert.equal(await storage.sessions.countForUser('u6'), 0);
      await sessions.start('u6', 1002);
      assert.equal(await sessions.find(session.id, 1003), undefined);
      assert.equal(await storage.users.delete('u6'), true);
      assert.equal(await storage.sessions.countForUser('u6'), 0);
      await assert.rejects(new LinkTokens(storage.linkTokens).consume(token, 'reset', 1003), /not valid/);
      assert.equal(await storage.users.delete('u6'), false);
    });

    it('rehashes a password made with weaker parameters at the next successful sign-in', async () => {
      const service = (logN: number) => new AccountService({ users: storage.users, linkTokens: new LinkTokens(storage.linkTokens), hasher: new PasswordHasher({ logN, r: 8, p: 1 }) });
      await service(11).create('old@runnerly.test', 'an old pass phrase', true);
      assert.match((await storage.users.findByEmailKey('old@runnerly.test'))!.passwordHash, /^\$scrypt\$ln=11,/);
      assert.equal((await service(12).signIn('old@runnerly.test', 'not the pass phrase', '127.0.0.1')).outcome, 'invalid');
      assert.match((await storage.users.findByEmailKey('old@runnerly.test'))!.passwordHash, /^\$scrypt\$ln=11,/, 'not on a failure');
      assert.equal((await service(12).signIn('old@runnerly.test', 'an old pass phrase', '127.0.0.1')).outcome, 'signed-in');
      assert.match((await storage.users.findByEmailKey('old@runnerly.test'))!.passwordHash, /^\$scrypt\$ln=12,/);
      assert.equal((await service(12).signIn('old@runnerly.test', 'an old pass phrase', '127.0.0.1')).outcome, 'signed-in');
    });
  });
}
