// Pre-registration takeover: somebody signs up with the victim's address and a password of their
// own, leaving a pending account, before or after the victim's own sign-up. Whatever the order and
// whichever mail the victim follows, the account must never become active with that password.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { lastMessageTo } from './helpers/outbox.js';
import { tokenOf, WebClient } from './helpers/web-client.js';
import { confirmByLink } from './helpers/confirm-link.js';

const ATTACKER_PASSWORD = 'attacker chose this one';
const VICTIM_PASSWORD = 'the victim chose this one';
let counter = 0;

for (const backend of BACKENDS) {
  describe(`sign-up: pre-registration takeover (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    async function signUp(email: string, password: string): Promise<string> {
      const client = new WebClient(server.url);
      await client.get('/signup');
      assert.equal((await client.post('/signup', { email, password })).status, 200);
      return lastMessageTo(server.outboxDir, email).links[0]!;
    }

    async function signIn(email: string, password: string): Promise<number> {
      const client = new WebClient(server.url);
      await client.get('/signin');
      return (await client.post('/signin', { email, password })).status;
    }

    it('confirms with the owner\'s password from the owner\'s link: the earlier sign-up\'s password never signs in', async () => {
      const email = `victim.${++counter}.${Date.now()}@runnerly.test`;
      const attackerLink = await signUp(email, ATTACKER_PASSWORD);
      const victimLink = await signUp(email, VICTIM_PASSWORD);
      assert.notEqual(tokenOf(victimLink), tokenOf(attackerLink));

      assert.equal((await confirmByLink(server.url, victimLink, VICTIM_PASSWORD)).status, 200);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'active');
      assert.equal(await signIn(email, ATTACKER_PASSWORD), 401, 'the first sign-up\'s password is not the account\'s');
      assert.equal(await signIn(email, VICTIM_PASSWORD), 303);
      // Confirming voided the other link: it no longer even shows its form.
      assert.equal((await new WebClient(server.url).get(attackerLink.slice(server.url.length))).status, 400);
    });

    it('refuses the owner\'s password on the link of the sign-up that came first, which stays pending', async () => {
      const email = `victim.${++counter}.${Date.now()}@runnerly.test`;
      const attackerLink = await signUp(email, ATTACKER_PASSWORD);
      await signUp(email, VICTIM_PASSWORD);
      // Following the older mail (the one the first sign-up caused) with one's own password activates nothing.
      const refused = await confirmByLink(server.url, attackerLink, VICTIM_PASSWORD);
      assert.equal(refused.status, 400);
      assert.match(refused.body, /This is not the password chosen at the sign-up that sent this link/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
    });

    it('never activates a later sign-up\'s password, and a later sign-up cannot void the owner\'s link', async () => {
      const email = `victim.${++counter}.${Date.now()}@runnerly.test`;
      const ownLink = await signUp(email, VICTIM_PASSWORD);
      // Somebody else signs up with the owner's address, again and again.
      const attackerLinks = [await signUp(email, ATTACKER_PASSWORD), await signUp(email, ATTACKER_PASSWORD)];
      // The owner opens the newest message in their mailbox (a later sign-up sent it).
      const refused = await confirmByLink(server.url, attackerLinks[1]!, VICTIM_PASSWORD);
      assert.equal(refused.status, 400);
      assert.match(refused.body, /This is not the password chosen at the sign-up that sent this link/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
      assert.equal(await signIn(email, ATTACKER_PASSWORD), 401, 'the later password opens nothing');
      // The owner's own link still works, and then every other link is void.
      assert.equal((await confirmByLink(server.url, ownLink, VICTIM_PASSWORD)).status, 200);
      for (const link of attackerLinks) assert.equal((await new WebClient(server.url).get(link.slice(server.url.length))).status, 400);
      assert.equal(await signIn(email, ATTACKER_PASSWORD), 401);
      assert.equal(await signIn(email, VICTIM_PASSWORD), 303);
    });
  });
}
