// Sign-in throttling under concurrent requests: checking a password takes a while (scrypt), so
// the limit must hold for attempts sent all at once, not only for attempts sent one after another.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient } from './helpers/web-client.js';
import { SignInThrottle } from '../src/accounts/sign-in-throttle.js';

const PASSWORD = 'correct horse battery staple';
const LIMIT = 3;
let counter = 0;
const uniqueEmail = () => `parallel.${++counter}.${Date.now()}@runnerly.test`;

describe('sign-in throttle: reservations', () => {
  it('counts an attempt when it starts, gives it back when the password was right, and bounds attempts in flight', () => {
    const throttle = new SignInThrottle(LIMIT, 900);
    const first = throttle.reserve('a@x.io', '198.51.100.1');
    const second = throttle.reserve('a@x.io', '198.51.100.1');
    assert.ok('attempt' in first && 'attempt' in second);
    // Two in flight: a third waits, though the limit is not reached.
    assert.deepEqual(throttle.reserve('a@x.io', '198.51.100.1'), { retryAfterSeconds: 1 });
    first.attempt.succeeded();
    first.attempt.finished();
    second.attempt.finished();
    const third = throttle.reserve('a@x.io', '198.51.100.1');
    assert.ok('attempt' in third);
    third.attempt.finished();
    // Two failures counted (second and third); the right password (first) was given back.
    assert.equal(throttle.blockedFor('a@x.io', '198.51.100.1'), 0);
    const fourth = throttle.reserve('a@x.io', '198.51.100.1');
    assert.ok('attempt' in fourth);
    fourth.attempt.finished();
    assert.ok(throttle.blockedFor('a@x.io', '198.51.100.1') > 0, 'the limit is reached with the third failure');
  });
});

for (const backend of BACKENDS) {
  describe(`sign-in throttle: concurrent requests (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend, { signInFailureLimit: LIMIT, trustProxy: ['127.0.0.1', '::1'] });
    });
    after(() => server.stop());

    async function signInForm(address: string): Promise<WebClient> {
      const client = new WebClient(server.url, { 'x-forwarded-for': address });
      await client.get('/signin');
      return client;
    }

    it('checks at most the limit of 40 wrong passwords sent at once; the rest get 429 with Retry-After', async () => {
      const email = uniqueEmail();
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      const clients = await Promise.all(Array.from({ length: 40 }, () => signInForm('198.51.100.70')));
      const responses = await Promise.all(clients.map((client) => client.post('/signin', { email, password: 'wrong password' })));
      const checked = responses.filter((response) => response.status === 401).length;
      const refused = responses.filter((response) => response.status === 429);
      assert.ok(checked >= 1 && checked <= LIMIT, `${checked} wrong passwords were checked`);
      assert.equal(refused.length, 40 - checked);
      for (const response of refused) assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      // Afterwards, one by one: in all, exactly the limit of wrong passwords is checked.
      let later = 0;
      while ((await (await signInForm('198.51.100.70')).post('/signin', { email, password: 'wrong password' })).status === 401) later++;
      assert.equal(checked + later, LIMIT);
      assert.equal((await (await signInForm('198.51.100.70')).post('/signin', { email, password: PASSWORD })).status, 429, 'even the right password waits now');
    });

    it('does not count right passwords against the limit', async () => {
      const email = uniqueEmail();
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      for (let i = 0; i < LIMIT + 2; i++) {
        assert.equal((await (await signInForm('198.51.100.71')).post('/signin', { email, password: PASSWORD })).status, 303, `sign-in ${i + 1}`);
      }
    });
  });
}
