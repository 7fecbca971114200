// CSRF, open redirects, throttling, cookie flags, security headers and hostile input on the pages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, type Backend } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { lastMessageTo, readOutbox } from './helpers/outbox.js';
import { tokenOf, WebClient } from './helpers/web-client.js';
import { confirmByLink } from './helpers/confirm-link.js';
import { createServer } from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const PASSWORD = 'correct horse battery staple';
let counter = 0;
const uniqueEmail = (label: string) => `${label}.${++counter}.${Date.now()}@runnerly.test`;

async function activeUser(server: TestServer, email = uniqueEmail('user')): Promise<string> {
  await server.tokenDealer.accounts.create(email, PASSWORD, true);
  return email;
}

async function signedInClient(server: TestServer, email: string, headers: Record<string, string> = {}): Promise<WebClient> {
  const client = new WebClient(server.url, headers);
  await client.get('/signin');
  const response = await client.post('/signin', { email, password: PASSWORD });
  assert.equal(response.status, 303);
  return client;
}

function securityTests(backend: Backend) {
  describe(`account pages: CSRF and redirects (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    it('refuses a form without, with a wrong, or with another visitor\'s CSRF token with 403, creating nothing', async () => {
      const email = uniqueEmail('csrf');
      const client = new WebClient(server.url);
      await client.get('/signup');
      const other = new WebClient(server.url);
      await other.get('/signup');
      for (const token of [null, 'x'.repeat(43), other.csrfToken!, '']) {
        const response = await client.post('/signup', { email, password: PASSWORD, csrf_token: token });
        assert.equal(response.status, 403, `token ${token}`);
        assert.match(response.body, /<h1>Form expired<\/h1>/);
      }
      // No cookie at all: the token alone proves nothing.
      const cookieless = await fetch(`${server.url}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password: PASSWORD, csrf_token: client.csrfToken! }).toString(),
      });
      assert.equal(cookieless.status, 403);
      assert.equal(await server.tokenDealer.accounts.find(email), undefined);
      assert.equal((await client.post('/signup', { email, password: PASSWORD })).status, 200, 'the right token works');
    });

    it('refuses a cross-site post even with a valid token (Origin, Sec-Fetch-Site)', async () => {
      const email = await activeUser(server);
      const client = new WebClient(server.url);
      await client.get('/signin');
      const crossOrigin = await client.post('/signin', { email, password: PASSWORD }, { origin: 'https://evil.example' });
      assert.equal(crossOrigin.status, 403);
      const crossSite = await client.post('/signin', { email, password: PASSWORD }, { 'sec-fetch-site': 'cross-site' });
      assert.equal(crossSite.status, 403);
      assert.equal(client.cookies.has('tokendealer_session'), false);
      const nullCrossSite = await client.post('/signin', { email, password: PASSWORD }, { origin: 'null', 'sec-fetch-site': 'cross-site' });
      assert.equal(nullCrossSite.status, 403);
      // Our pages send no referrer, so browsers post them with Origin: null.
      const sameOrigin = await client.post('/signin', { email, password: PASSWORD }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
      assert.equal(sameOrigin.status, 303);
    });

    it('signs out only with the session\'s CSRF token', async () => {
      const email = await activeUser(server);
      const client = await signedInClient(server, email);
      await client.get('/account');
      const user = (await server.tokenDealer.accounts.find(email))!;
      const forged = await client.post('/signout', { csrf_token: null });
      assert.equal(forged.status, 403);
      assert.equal(await server.tokenDealer.storage.sessions.countForUser(user.userId), 1, 'still signed in');
      assert.equal((await client.post('/signout', {})).status, 303);
      assert.equal(await server.tokenDealer.storage.sessions.countForUser(user.userId), 0);
    });

    it('refuses a reset request with a wrong CSRF token and mails nothing', async () => {
      const email = await activeUser(server);
      const client = new WebClient(server.url);
      await client.get('/reset');
      const mailsBefore = readOutbox(server.outboxDir).length;
      const response = await client.post('/reset', { email, csrf_token: 'y'.repeat(43) });
      assert.equal(response.status, 403);
      assert.equal(readOutbox(server.outboxDir).length, mailsBefore, 'no reset mail sent');
    });

    it('refuses return_to values that leave the server, with 400, on the page and the form', async () => {
      const email = await activeUser(server);
      const hostile = ['https://evil.example/', '//evil.example/x', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n'), 'account', `/${'a'.repeat(2000)}`];
      for (const returnTo of hostile) {
        const page = await new WebClient(server.url).get(`/signin?return_to=${encodeURIComponent(returnTo)}`);
        assert.equal(page.status, 400, returnTo);
        assert.match(page.body, /must be a path on this server|return_to parameter is too long/);
        const client = new WebClient(server.url);
        await client.get('/signin');
        const posted = await client.post('/signin', { email, password: PASSWORD, return_to: returnTo });
        assert.equal(posted.status, 400, returnTo);
        assert.equal(posted.headers.get('location'), null);
        assert.equal(client.cookies.has('tokendealer_session'), false, 'no session for a refused form');
      }
      const page = await new WebClient(server.url).get('/signin?return_to=%2Faccount%3Fx%3D%22%3E%3Cscript%3E');
      assert.equal(page.status, 200);
      assert.ok(page.body.includes('value="/account?x=%22%3E%3Cscript%3E"'), 'kept, escaped');
    });
  });

  describe(`account pages: sign-in throttling (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend, { signInFailureLimit: 3, trustProxy: ['127.0.0.1', '::1'] });
    });
    after(() => server.stop());

    const from = (address: string) => ({ 'x-forwarded-for': address });
    async function attempt(email: string, password: string, address: string) {
      const client = new WebClient(server.url, from(address));
      await client.get('/signin');
      return client.post('/signin', { email, password });
    }

    it('locks an account at one address after the limit, with 429 and Retry-After, while another address still signs in', async () => {
      const email = await activeUser(server);
      for (let i = 0; i < 3; i++) assert.equal((await attempt(email, 'wrong password', '198.51.100.7')).status, 401);
      const locked = await attempt(email, 'wrong password', '198.51.100.7');
      assert.equal(locked.status, 429);
      assert.match(locked.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok(Number(locked.headers.get('retry-after')) > 800);
      assert.match(locked.body, /The email or password is incorrect/);
      assert.equal((await attempt(email, PASSWORD, '198.51.100.7')).status, 429, 'even the right password waits at that address');
      assert.equal((await attempt(email, PASSWORD, '203.0.113.20')).status, 303, 'the owner elsewhere is not locked out');
    });

    it('counts unknown emails the same way, so the lockout reveals nothing', async () => {
      const ghost = uniqueEmail('ghost');
      for (let i = 0; i < 3; i++) assert.equal((await attempt(ghost, 'wrong password', '198.51.100.8')).status, 401);
      assert.equal((await attempt(ghost, 'wrong password', '198.51.100.8')).status, 429);
    });

    it('locks the account everywhere after ten times the limit from many addresses', async () => {
      const email = await activeUser(server);
      for (let i = 0; i < 30; i++) assert.equal((await attempt(email, 'wrong password', `192.0.2.${i + 1}`)).status, 401);
      assert.equal((await attempt(email, PASSWORD, '203.0.113.99')).status, 429);
    });

    it('throttles wrong passwords on a confirmation link per link and address, like failed sign-ins', async () => {
      const email = uniqueEmail('guess');
      const signUp = new WebClient(server.url, from('198.51.100.60'));
      await signUp.get('/signup');
      assert.equal((await signUp.post('/signup', { email, password: PASSWORD })).status, 200);
      const link = lastMessageTo(server.outboxDir, email).links[0]!;
      const client = new WebClient(server.url, from('198.51.100.61'));
      assert.equal((await client.get(link.slice(server.url.length))).status, 200);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await client.post('/confirm', { token: tokenOf(link), password: `guess number ${attempt}` })).status);
      assert.deepEqual(statuses, [400, 400, 400, 429]);
      const throttled = await client.post('/confirm', { token: tokenOf(link), password: PASSWORD });
      assert.equal(throttled.status, 429, 'even the right password waits at that address');
      assert.match(throttled.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'pending');
      const elsewhere = await confirmByLink(server.url, link, PASSWORD, new WebClient(server.url, from('203.0.113.61')));
      assert.equal(elsewhere.status, 200, 'the owner elsewhere confirms');
      assert.equal((await server.tokenDealer.storage.users.findByEmailKey(email))!.status, 'active');
    });

    it('lets nobody lock an account out at an address by signing in with an "email" that names that address', async () => {
      const email = await activeUser(server);
      // Input that is no email, spelled like the old keys: its account-wide count was the victim's count at 198.51.100.70.
      for (let i = 0; i < 3; i++) assert.equal((await attempt(`${email}|ip:198.51.100.70`, 'wrong password', `192.0.2.${70 + i}`)).status, 401);
      assert.equal((await attempt(email, PASSWORD, '198.51.100.70')).status, 303, 'the owner still signs in at that address');
    });

    it('never counts input that is no email against the account whose email it begins with', async () => {
      // 254 characters, the most an email may have; one more makes it no email, and it was cut back to this one.
      const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
      await activeUser(server, email);
      for (let i = 0; i < 3; i++) assert.equal((await attempt(`${email}x`, 'wrong password', '198.51.100.71')).status, 401);
      assert.equal((await attempt(email, PASSWORD, '198.51.100.71')).status, 303, 'the owner still signs in at that address');
    });

    it('stops one address trying many accounts after five times the limit', async () => {
      for (let i = 0; i < 15; i++) assert.equal((await attempt(uniqueEmail('stuffing'), 'wrong password', '198.51.100.50')).status, 401);
      const email = await activeUser(server);
      assert.equal((await attempt(email, PASSWORD, '198.51.100.50')).status, 429);
    });
  });

  describe(`account pages: headers, cookies and hostile input (${backend.name})`, () => {
    let server: TestServer;
    let https: TestServer;
    let httpsPort: number;

    before(async () => {
      server = await startTestServer(backend);
      // The issuer is https (as behind a TLS-terminating proxy); the test talks to the port directly.
      httpsPort = await freePort();
      https = await startTestServer(backend, { issuer: 'https://auth.runnerly.test', port: httpsPort });
    });
    after(async () => {
      await server.stop();
      await https.stop();
    });

    it('sends a strict CSP, no framing, no referrer and no caching on every page, errors included', async () => {
      const client = new WebClient(server.url);
      const responses = [
        await client.get('/signin'),
        await client.get('/signup'),
        await client.get('/reset'),
        await client.get('/account'),
        await client.get('/confirm?token=bad'),
        await client.post('/signin', { csrf_token: null }),
      ];
      for (const response of responses) {
        const csp = response.headers.get('content-security-policy') ?? '';
        for (const directive of ["default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
          assert.ok(csp.includes(directive), `${directive} in ${csp}`);
        }
        assert.equal(response.headers.get('x-frame-options'), 'DENY');
        assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      }
      const css = await fetch(`${server.url}/static/tokendealer.css`);
      assert.equal(css.status, 200);
      assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    });

    it('serves accessible pages: lang, title, one h1, labels bound to inputs with autocomplete', async () => {
      const body = (await new WebClient(server.url).get('/signin')).body;
      assert.match(body, /^<!doctype html>\n<html lang="en">/);
      assert.match(body, /<title>Sign in · TokenDealer<\/title>/);
      assert.equal(body.match(/<h1>/g)?.length, 1);
      assert.match(body, /<label for="email">Email<\/label>\n<input id="email" name="email" type="email" autocomplete="username"/);
      assert.match(body, /<label for="password">Password<\/label>\n<input id="password" name="password" type="password" autocomplete="current-password"/);
      assert.match(body, /<button type="submit">Sign in<\/button>/);
      assert.ok(!/<script/i.test(body));
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, without Secure on a plain-http localhost', async () => {
      const email = await activeUser(server);
      const client = new WebClient(server.url);
      const form = await client.get('/signin');
      const csrfCookie = form.setCookies.find((line) => line.startsWith('tokendealer_csrf='))!;
      assert.match(csrfCookie, /; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
      const response = await client.post('/signin', { email, password: PASSWORD });
      const session = response.setCookies.find((line) => line.startsWith('tokendealer_session='))!;
      assert.match(session, /^tokendealer_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax$/);
    });

    it('uses __Host- cookies with Secure when the issuer is https', async () => {
      const email = await activeUser(https);
      const client = new WebClient(`http://127.0.0.1:${httpsPort}`);
      const form = await client.get('/signin');
      assert.match(form.setCookies.find((line) => line.startsWith('__Host-tokendealer_csrf=')) ?? '', /; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
      const response = await client.post('/signin', { email, password: PASSWORD }, { origin: 'https://auth.runnerly.test' });
      assert.equal(response.status, 303);
      const session = response.setCookies.find((line) => line.startsWith('__Host-tokendealer_session='));
      assert.match(session ?? '', /^__Host-tokendealer_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure$/);
      assert.ok(!/Domain=/i.test(session!), '__Host- cookies carry no Domain');
      assert.equal((await client.get('/account')).status, 200);
      const signedOut = await client.post('/signout', {}, { origin: 'https://auth.runnerly.test' });
      assert.ok(signedOut.setCookies.some((line) => /^__Host-tokendealer_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$/.test(line)));
    });

    it('answers hostile form bodies with clear 4xx pages, never a 5xx, and changes nothing (fuzz)', async () => {
      const client = new WebClient(server.url);
      await client.get('/signup');
      const before = (await server.tokenDealer.accounts.list()).length;
      const alphabet = 'ab=&%+;:/?#[]@!$\'()*,\u0000\u00ff\ud83c\udfc3 \r\n\t"\\<>0123456789xyz';
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const paths = ['/signin', '/signup', '/reset', '/reset/new', '/signout'];
      for (let round = 0; round < 200; round++) {
        let body = '';
        const length = Math.floor(random() * 300);
        for (let i = 0; i < length; i++) body += alphabet[Math.floor(random() * alphabet.length)];
        if (round % 2 === 0) body = `csrf_token=${client.csrfToken}&${body}`;
        const path = paths[round % paths.length]!;
        const response = await client.post(path, body);
        // A well-formed sign-out with a valid token is a sign-out (303); everything else is refused.
        const expected = path === '/signout' && response.status === 303 ? true : response.status >= 400 && response.status < 500;
        assert.ok(expected, `${path} answered ${response.status} to ${JSON.stringify(body)}`);
        if (response.status !== 303) assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      }
      const structured: [string, string | Record<string, string>, number][] = [
        ['/signup', `csrf_token=${client.csrfToken}&email=a@b.io&email=c@d.io&password=${'x'.repeat(9)}`, 400],
        ['/signup', `csrf_token=${client.csrfToken}&email=%E0%A4%A&password=x`, 400],
        ['/signup', `csrf_token=${client.csrfToken}&email=${'a'.repeat(2000)}`, 400],
        ['/signup', `csrf_token=${client.csrfToken}&${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&')}`, 400],
        ['/signup', { email: 'a\u0000b@x.io', password: PASSWORD }, 400],
        ['/signup', { email: '<script>@x.io', password: PASSWORD }, 400],
        ['/signup', { email: 'ok@exa_mple.com', password: PASSWORD }, 400],
        ['/signin', { email: '\ud83c@x.io', password: PASSWORD }, 401],
        ['/signin', { email: 'x@y.io', password: 'p'.repeat(1000) }, 401],
        ['/reset', { email: 'nope' }, 400],
        ['/reset/new', { token: 'abc', password: PASSWORD }, 400],
        ['/reset/new', { password: PASSWORD }, 400],
      ];
      for (const [path, body, status] of structured) {
        const response = await client.post(path, body);
        assert.equal(response.status, status, `${path} ${JSON.stringify(body)}`);
        assert.ok(!response.body.includes('<script>@'), 'input is escaped');
      }
      const json = await client.post('/signup', JSON.stringify({ email: 'j@x.io' }), { 'content-type': 'application/json' });
      assert.equal(json.status, 415);
      const huge = await client.post('/signup', `csrf_token=${client.csrfToken}&email=${'a'.repeat(10_000)}`);
      assert.equal(huge.status, 413);
      const put = await fetch(`${server.url}/signin`, { method: 'PUT' });
      assert.equal(put.status, 405);
      assert.equal(put.headers.get('allow'), 'GET, POST');
      assert.equal((await server.tokenDealer.accounts.list()).length, before);
    });

    it('escapes what the user typed when showing it back', async () => {
      const client = new WebClient(server.url);
      await client.get('/signup');
      const response = await client.post('/signup', { email: '"><img src=x onerror=alert(1)>@x.io', password: 'short' });
      assert.equal(response.status, 400);
      assert.ok(!response.body.includes('<img'));
      assert.ok(response.body.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@x.io'));
    });
  });
}

for (const backend of BACKENDS) securityTests(backend);
