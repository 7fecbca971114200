// The query of a GET authorization request is everything after the first '?': a further '?' is an
// ordinary query character (RFC 3986 section 3.4), so a parameter holding one must arrive whole,
// and the parameters after it must arrive at all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { pkcePair, redirectOf, signedInBrowser } from './helpers/authorization.js';

const REDIRECT = 'https://app.example/callback';

for (const backend of BACKENDS) {
  describe(`authorization endpoint: a '?' inside the query (${backend.name})`, () => {
    let server: TestServer;
    let appId: string;

    before(async () => {
      server = await startTestServer(backend);
      appId = (await server.createClient({ authMethod: 'none', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], audiences: ['https://api.runnerly.io'] })).client_id;
    });
    after(() => server.stop());

    it('keeps a literal ? in state and reads the parameters after it', async () => {
      const { browser } = await signedInBrowser(server);
      const { challenge } = pkcePair();
      // Literal, unencoded '?': browsers and clients send it so. The PKCE parameters come after it.
      const path = `/oauth/authorize?response_type=code&client_id=${appId}&redirect_uri=${encodeURIComponent(REDIRECT)}&prompt=none&state=back?to=/runs&code_challenge=${challenge}&code_challenge_method=S256`;
      const location = redirectOf(await browser.get(path), server.url);
      assert.equal(location.origin + location.pathname, REDIRECT);
      // No consent yet: prompt=none answers consent_required, after every check passed (PKCE included).
      assert.equal(location.searchParams.get('error'), 'consent_required', location.href);
      assert.equal(location.searchParams.get('state'), 'back?to=/runs');
    });
  });
}
