// Sign-up, confirmation, sign-in, account, sign-out and password reset over real HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { lastMessageTo, messagesTo } from './helpers/outbox.js';
import { tokenOf, WebClient } from './helpers/web-client.js';
import { confirmByLink } from './helpers/confirm-link.js';
import { nowSeconds } from '../src/tokendealer.js';

let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;
const PASSWORD = 'correct horse battery staple';

for (const backend of BACKENDS) {
  describe(`account pages (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    async function signUp(client: WebClient, email: string, password = PASSWORD) {
      assert.equal((await client.get('/signup')).status, 200);
      return client.post('/signup', { email, password });
    }

    async function signIn(client: WebClient, email: string, password = PASSWORD) {
      await client.get('/signin');
      return client.post('/signin', { email, password });
    }

    async function confirmedUser(): Promise<string> {
      const email = uniqueEmail('user');
      await signUp(new WebClient(server.url), email);
      const confirm = await confirmByLink(server.url, lastMessageTo(server.outboxDir, email).links[0]!, PASSWORD);
      assert.equal(confirm.status, 200);
      return email;
    }

    it('signs up, mails a confirmation link, confirms, signs in, shows the account and signs out', async () => {
      const client = new WebClient(server.url);
      const email = uniqueEmail('runner');
      const signedUp = await signUp(client, email);
      assert.equal(signedUp.status, 200);
      assert.match(signedUp.body, /<h1>Check your email<\/h1>/);

      const message = lastMessageTo(server.outboxDir, email);
      assert.equal(message.subject, 'Confirm your email address');
      assert.equal(message.from, 'TokenDealer <no-reply@localhost>');
      assert.equal(message.links.length, 1);
      const link = message.links[0]!;
      assert.ok(link.startsWith(`${server.url}/confirm?token=`), link);
      assert.ok(message.text.includes(link));
      assert.ok(message.html.includes(`href="${link}"`));
      const stored = (await server.tokenDealer.storage.users.findByEmailKey(email))!;
      assert.equal(stored.status, 'pending');
      assert.match(stored.passwordHash, /^\$scrypt\$ln=\d+,r=8,p=1\$/);

      // Opening the link only shows a form: a mail scanner that follows links activates nothing.
      const form = await client.get(link.slice(server.url.length));
      assert.equal(form.status, 200);
      assert.match(form.body, /<h1>Confirm your email<\/h1>/);
      assert.ok(form.body.includes(`<strong>${email}</strong>`));
      assert.match(form.body, /<label for="password">Password<\/label>/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
      const confirmed = await client.post('/confirm', { token: tokenOf(link), password: PASSWORD });
      assert.equal(confirmed.status, 200);
      assert.match(confirmed.body, /<h1>Email confirmed<\/h1>/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'active');

      const signedIn = await signIn(client, email);
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.headers.get('location'), '/account');
      const sessionCookie = client.cookies.get('tokendealer_session');
      assert.match(sessionCookie ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(await server.tokenDealer.storage.sessions.countForUser(stored.userId), 1);

      const account = await client.get('/account');
      assert.equal(account.status, 200);
      assert.ok(account.body.includes(`<dd>${email}</dd>`));
      assert.match(account.body, /<h2 id="apps-title">Authorized apps<\/h2>/);

      const signedOut = await client.post('/signout', {});
      assert.equal(signedOut.status, 303);
      assert.equal(signedOut.headers.get('location'), '/signin');
      assert.ok(signedOut.setCookies.some((line) => line.startsWith('tokendealer_session=;') && line.includes('Max-Age=0')));
      assert.equal(await server.tokenDealer.storage.sessions.countForUser(stored.userId), 0, 'the session is gone server-side');

      // The old cookie no longer signs anyone in, even replayed.
      const replay = await fetch(`${server.url}/account`, { redirect: 'manual', headers: { cookie: `tokendealer_session=${sessionCookie}` } });
      assert.equal(replay.status, 303);
      assert.equal(replay.headers.get('location'), '/signin?return_to=%2Faccount');
    });

    it('refuses to sign in an unconfirmed account, even with the right password', async () => {
      const client = new WebClient(server.url);
      const email = uniqueEmail('pending');
      await signUp(client, email);
      const response = await signIn(client, email);
      assert.equal(response.status, 403);
      assert.match(response.body, /Confirm your email address first/);
      assert.equal(client.cookies.has('tokendealer_session'), false);
    });

    it('answers the sign-up of an existing email with the same page and mails its owner instead', async () => {
      const email = await confirmedUser();
      const before = messagesTo(server.outboxDir, email).length;
      const client = new WebClient(server.url);
      const again = await signUp(client, email.toUpperCase().replace('@RUNNERLY.TEST', '@runnerly.test'), 'another password here');
      const fresh = await signUp(new WebClient(server.url), uniqueEmail('fresh'), 'another password here');
      assert.equal(again.status, 200);
      assert.equal(again.body.replace(/<strong>.*<\/strong>/, ''), fresh.body.replace(/<strong>.*<\/strong>/, '').replace(/value="[^"]+"/g, ''), 'same page');
      const mails = messagesTo(server.outboxDir, email);
      assert.equal(mails.length, before + 1);
      assert.equal(mails.at(-1)!.subject, 'You already have an account');
      assert.deepEqual(mails.at(-1)!.links, [`${server.url}/reset`]);
      // The existing password still works; the one sent with the second sign-up does not.
      assert.equal((await signIn(new WebClient(server.url), email)).status, 303);
      assert.equal((await signIn(new WebClient(server.url), email, 'another password here')).status, 401);
    });

    it('uses a confirmation link once: a second use is refused', async () => {
      const email = uniqueEmail('once');
      await signUp(new WebClient(server.url), email);
      const link = lastMessageTo(server.outboxDir, email).links[0]!;
      assert.equal((await confirmByLink(server.url, link, PASSWORD)).status, 200);
      const second = await new WebClient(server.url).get(link.slice(server.url.length));
      assert.equal(second.status, 400);
      assert.match(second.body, /not valid or has already been used/);
      const client = new WebClient(server.url);
      await client.get('/signin');
      const posted = await client.post('/confirm', { token: tokenOf(link), password: PASSWORD });
      assert.equal(posted.status, 400);
      assert.match(posted.body, /not valid or has already been used/);
    });

    it('keeps the account pending and the link usable when the password is not the sign-up\'s', async () => {
      const email = uniqueEmail('typo');
      await signUp(new WebClient(server.url), email);
      const link = lastMessageTo(server.outboxDir, email).links[0]!;
      for (const password of ['not the password at all', '', 'x'.repeat(1000)]) {
        const client = new WebClient(server.url);
        await client.get(link.slice(server.url.length));
        const wrong = await client.post('/confirm', { token: tokenOf(link), password });
        assert.equal(wrong.status, 400, password.slice(0, 20));
        assert.match(wrong.body, /This is not the password chosen at the sign-up that sent this link/);
        assert.match(wrong.body, /aria-invalid="true"/);
      }
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
      assert.equal((await confirmByLink(server.url, link, PASSWORD)).status, 200);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'active');
    });

    it('refuses a confirmation form without a token (400) or without its CSRF token (403), changing nothing', async () => {
      const email = uniqueEmail('form');
      await signUp(new WebClient(server.url), email);
      const link = lastMessageTo(server.outboxDir, email).links[0]!;
      const client = new WebClient(server.url);
      await client.get(link.slice(server.url.length));
      assert.equal((await client.post('/confirm', { password: PASSWORD })).status, 400);
      assert.equal((await client.post('/confirm', { token: tokenOf(link), password: PASSWORD, csrf_token: null })).status, 403);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
    });

    it('refuses an expired confirmation link and leaves the account pending', async () => {
      const email = uniqueEmail('late');
      await signUp(new WebClient(server.url), email);
      const token = tokenOf(lastMessageTo(server.outboxDir, email).links[0]!);
      await assert.rejects(server.tokenDealer.accounts.confirm(token, PASSWORD, '127.0.0.1', nowSeconds() + 24 * 3600 + 1), /expired/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
      // Signing up again mails a new link that works.
      await signUp(new WebClient(server.url), email);
      const renewed = lastMessageTo(server.outboxDir, email).links[0]!;
      assert.notEqual(tokenOf(renewed), token);
      assert.equal((await confirmByLink(server.url, renewed, PASSWORD)).status, 200);
    });

    it('refuses a missing, malformed, repeated or unknown confirmation token with 400', async () => {
      for (const query of ['', '?token=', '?token=abc', `?token=${'A'.repeat(43)}`, `?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`, `?token=${'x'.repeat(5000)}`]) {
        const response = await new WebClient(server.url).get(`/confirm${query}`);
        assert.equal(response.status, 400, query);
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      }
    });

    it('resets a password by mailed link: the old password stops working, sessions end, the link works once', async () => {
      const email = await confirmedUser();
      const signedIn = new WebClient(server.url);
      assert.equal((await signIn(signedIn, email)).status, 303);

      const client = new WebClient(server.url);
      await client.get('/reset');
      const asked = await client.post('/reset', { email });
      assert.equal(asked.status, 200);
      const unknown = await client.post('/reset', { email: uniqueEmail('nobody') });
      assert.equal(unknown.status, 200, 'an unknown email gets the same answer');
      const message = lastMessageTo(server.outboxDir, email);
      assert.equal(message.subject, 'Choose a new password');
      const path = message.links[0]!.slice(server.url.length);
      assert.match(path, /^\/reset\/new\?token=[A-Za-z0-9_-]{43}$/);

      const form = await client.get(path);
      assert.equal(form.status, 200);
      assert.match(form.body, /autocomplete="new-password"/);
      const token = tokenOf(message.links[0]!);
      const tooShort = await client.post('/reset/new', { token, password: 'short' });
      assert.equal(tooShort.status, 400);
      assert.match(tooShort.body, /at least 8 characters/);
      const changed = await client.post('/reset/new', { token, password: 'a brand new passphrase' });
      assert.equal(changed.status, 200, 'a refused password did not spend the link');
      assert.match(changed.body, /Password changed/);

      assert.equal((await signIn(new WebClient(server.url), email)).status, 401, 'old password refused');
      assert.equal((await signIn(new WebClient(server.url), email, 'a brand new passphrase')).status, 303);
      assert.equal((await signedIn.get('/account')).status, 303, 'the session from before the reset has ended');
      const reused = await client.post('/reset/new', { token, password: 'yet another passphrase' });
      assert.equal(reused.status, 400);
      assert.equal((await signIn(new WebClient(server.url), email, 'yet another passphrase')).status, 401, 'second use changed nothing');
    });

    it('starts a new session id at sign-in, whatever session cookie the browser came with', async () => {
      const email = await confirmedUser();
      const client = new WebClient(server.url);
      client.cookies.set('tokendealer_session', 'A'.repeat(43));
      await signIn(client, email);
      const first = client.cookies.get('tokendealer_session');
      assert.notEqual(first, 'A'.repeat(43));
      await client.get('/signin');
      // Signed in already: /signin sends to the account page.
      assert.equal((await client.get('/signin')).status, 303);
      const again = await client.post('/signin', { email, password: PASSWORD });
      assert.equal(again.status, 303);
      assert.notEqual(client.cookies.get('tokendealer_session'), first, 'a second sign-in rotates the id');
      const old = await fetch(`${server.url}/account`, { redirect: 'manual', headers: { cookie: `tokendealer_session=${first}` } });
      assert.equal(old.status, 303, 'and ends the old session');
    });

    it('refuses wrong passwords and unknown emails with the same page and 401', async () => {
      const email = await confirmedUser();
      const wrong = await signIn(new WebClient(server.url), email, 'not the password');
      const unknown = await signIn(new WebClient(server.url), uniqueEmail('ghost'), 'not the password');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const strip = (body: string) => body.replace(/value="[^"]*"/g, '');
      assert.equal(strip(wrong.body), strip(unknown.body));
      assert.match(wrong.body, /role="alert"/);
      assert.match(wrong.body, /The email or password is incorrect/);
      assert.ok(!wrong.body.includes('not the password'), 'the password is never echoed');
    });

    it('shows field errors for a bad sign-up and creates nothing', async () => {
      const client = new WebClient(server.url);
      await client.get('/signup');
      const cases: [Record<string, string>, RegExp][] = [
        [{ email: 'not-an-email', password: PASSWORD }, /Enter an email address like name@example.com/],
        [{ email: `${'a'.repeat(250)}@x.io`, password: PASSWORD }, /at most 254 characters/],
        [{ email: uniqueEmail('short'), password: 'seven77' }, /at least 8 characters/],
        [{ email: uniqueEmail('long'), password: 'p'.repeat(129) }, /at most 128 characters/],
        [{ email: 'same@runnerly.test', password: 'Same@Runnerly.test' }, /must not be your email address/],
        [{ password: PASSWORD }, /Enter your email address/],
      ];
      const before = (await server.tokenDealer.accounts.list()).length;
      for (const [fields, message] of cases) {
        const response = await client.post('/signup', fields);
        assert.equal(response.status, 400, JSON.stringify(fields));
        assert.match(response.body, message);
        assert.match(response.body, /aria-invalid="true"/);
        assert.match(response.body, /aria-describedby="[a-z]+(-hint )?[a-z]*-error"/);
      }
      assert.equal((await server.tokenDealer.accounts.list()).length, before);
    });

    it('sends an anonymous visitor of the account page to sign in, and back after it', async () => {
      const email = await confirmedUser();
      const client = new WebClient(server.url);
      const account = await client.get('/account');
      assert.equal(account.status, 303);
      const signinPath = account.headers.get('location')!;
      await client.get(signinPath);
      assert.match(client.csrfToken ?? '', /^[A-Za-z0-9_-]{43}$/);
      const signedIn = await client.post('/signin', { email, password: PASSWORD, return_to: '/account?tab=apps' });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.headers.get('location'), '/account?tab=apps');
    });

    it('a disabled user can no longer sign in, and its sessions end', async () => {
      const email = await confirmedUser();
      const client = new WebClient(server.url);
      await signIn(client, email);
      const user = (await server.tokenDealer.accounts.find(email))!;
      assert.equal(await server.tokenDealer.accounts.disable(user.userId), true);
      assert.equal((await client.get('/account')).status, 303);
      const refused = await signIn(new WebClient(server.url), email);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /This account is disabled/);
    });
  });
}
