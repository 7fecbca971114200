// return_to after URL parsing: dot segments ("/./", "/../", "/%2e/") are removed by the parser,
// so a value that starts with one slash can come out starting with two, which browsers follow to
// another host. What is checked must be what goes into the Location header.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient } from './helpers/web-client.js';
import { checkReturnTo } from '../src/web/return-to.js';

const PASSWORD = 'correct horse battery staple';
const HOSTILE = ['/.//evil.example/x', '/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example/x?y=1', '/a/..//evil.example', '/./\\evil.example'];
let counter = 0;

describe('return_to: dot segments', () => {
  const issuer = 'https://auth.runnerly.io';

  it('refuses values whose normalised form starts with two slashes', () => {
    for (const value of HOSTILE) assert.throws(() => checkReturnTo(value, issuer), /path on this server/, value);
  });

  it('still keeps harmless dot segments, normalised', () => {
    assert.equal(checkReturnTo('/a/../account', issuer), '/account');
    assert.equal(checkReturnTo('/./account?x=1', issuer), '/account?x=1');
  });
});

for (const backend of BACKENDS) {
  describe(`return_to: dot segments over HTTP (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    it('answers 400 without a Location, on the page of a signed-in user and on the sign-in form, and starts no session', async () => {
      const email = `dots.${++counter}.${Date.now()}@runnerly.test`;
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      const signedIn = new WebClient(server.url);
      await signedIn.get('/signin');
      assert.equal((await signedIn.post('/signin', { email, password: PASSWORD })).status, 303);
      for (const returnTo of HOSTILE) {
        // A signed-in user is redirected straight on: the most direct way to the other host.
        const page = await signedIn.get(`/signin?return_to=${encodeURIComponent(returnTo)}`);
        assert.equal(page.status, 400, returnTo);
        assert.equal(page.headers.get('location'), null, returnTo);

        const client = new WebClient(server.url);
        await client.get('/signin');
        const posted = await client.post('/signin', { email, password: PASSWORD, return_to: returnTo });
        assert.equal(posted.status, 400, returnTo);
        assert.equal(posted.headers.get('location'), null, returnTo);
        assert.equal(client.cookies.has('tokendealer_session'), false, 'no session for a refused form');
      }
    });
  });
}
