// RFC 9110 section 8.4: a Content-Encoding (gzip, deflate, br, ...) says how the body was
// compressed. The server decodes none, so it must not read such a body as a form (the compressed
// bytes would be taken for parameters): the OAuth endpoints and the pages refuse it with 415
// (section 15.5.16), say with Accept-Encoding that only identity is accepted, and issue or write
// nothing. Content-Encoding: identity is no encoding at all and is accepted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { BACKENDS } from './helpers/databases.js';
import { basic, form, startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient, type PageResponse } from './helpers/web-client.js';
import { pkcePair, signedInBrowser } from './helpers/authorization.js';
import { createCodeClient, isActive, userTokens, type TestClient } from './helpers/grants.js';

/** Real compressed bodies, and codings spelled in capitals, stacked, or unknown to anyone. */
const ENCODINGS: { coding: string; encode: (body: string) => Uint8Array }[] = [
  { coding: 'gzip', encode: (body) => gzipSync(body) },
  { coding: 'deflate', encode: (body) => deflateSync(body) },
  { coding: 'br', encode: (body) => brotliCompressSync(body) },
  { coding: 'GZIP', encode: (body) => gzipSync(body) },
  { coding: 'identity, gzip', encode: (body) => gzipSync(body) },
  // Refused for the header, whatever the bytes: even a body that happens to be readable.
  { coding: 'x-unknown', encode: (body) => Buffer.from(body) },
];

const PAGES_WITH_FORMS = ['/signin', '/signup', '/confirm', '/reset', '/reset/new', '/oauth/consent', '/signout', '/account/apps/revoke', '/oauth/authorize'];
const API = 'https://api.runnerly.io';

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
  access_token?: string;
}

for (const backend of BACKENDS) {
  describe(`encoded request bodies at the OAuth endpoints (${backend.name})`, () => {
    let server: TestServer;
    let service: TestClient;
    let partner: TestClient;

    before(async () => {
      server = await startTestServer(backend);
      service = await server.createClient();
      partner = await server.createClient({ grantTypes: ['authorization_code'], redirectUris: ['https://partner.example/cb'], audiences: [API] });
    });
    after(() => server.stop());

    const post = (path: string, body: string | Uint8Array, as: TestClient, coding?: string) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(as.client_id, as.client_secret),
          ...(coding === undefined ? {} : { 'content-encoding': coding }),
        },
        body,
      });

    async function expectRefused(response: Response, what: string): Promise<OAuthErrorBody> {
      const body = (await response.json()) as OAuthErrorBody;
      assert.equal(response.status, 415, `${what}: ${JSON.stringify(body)}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, what);
      assert.equal(response.headers.get('cache-control'), 'no-store', what);
      assert.equal(response.headers.get('accept-encoding'), 'identity', what);
      assert.equal(body.error, 'invalid_request', what);
      assert.match(body.error_description ?? '', /must not be encoded/, what);
      return body;
    }

    const parForm = () => {
      const { challenge } = pkcePair();
      return form({ response_type: 'code', redirect_uri: 'https://partner.example/cb', scope: 'runs:read', code_challenge: challenge, code_challenge_method: 'S256' });
    };

    it('refuses an encoded token request with 415 invalid_request and issues no token', async () => {
      for (const { coding, encode } of ENCODINGS) {
        const body = await expectRefused(await post('/oauth/token', encode('grant_type=client_credentials'), service, coding), coding);
        assert.equal(body.access_token, undefined);
      }
    });

    it('refuses encoded bodies at introspection, revocation and PAR alike; a refused revocation revokes nothing', async () => {
      const issued = await post('/oauth/token', 'grant_type=client_credentials', service);
      assert.equal(issued.status, 200);
      const accessToken = ((await issued.json()) as { access_token: string }).access_token;
      for (const { coding, encode } of ENCODINGS) {
        await expectRefused(await post('/oauth/introspect', encode(form({ token: accessToken })), service, coding), `introspect ${coding}`);
        await expectRefused(await post('/oauth/revoke', encode(form({ token: accessToken })), service, coding), `revoke ${coding}`);
        await expectRefused(await post('/oauth/par', encode(parForm()), partner, coding), `par ${coding}`);
      }
      assert.equal(await isActive(server, service, accessToken), true);
    });

    it('accepts Content-Encoding: identity', async () => {
      const issued = await post('/oauth/token', 'grant_type=client_credentials', service, 'identity');
      assert.equal(issued.status, 200);
      const accessToken = ((await issued.json()) as { access_token: string }).access_token;
      const introspected = await post('/oauth/introspect', form({ token: accessToken }), service, 'identity');
      assert.equal(((await introspected.json()) as { active: boolean }).active, true);
      assert.equal((await post('/oauth/par', parForm(), partner, 'identity')).status, 201);
      assert.equal((await post('/oauth/revoke', form({ token: accessToken }), service, 'identity')).status, 200);
      assert.equal(await isActive(server, service, accessToken), false);
    });
  });

  describe(`encoded request bodies at the pages (${backend.name})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.stop());

    function expectRefused(response: PageResponse, what: string): void {
      assert.equal(response.status, 415, `${what}: ${response.body.slice(0, 400)}`);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, what);
      assert.equal(response.headers.get('accept-encoding'), 'identity', what);
      assert.match(response.body, /Unsupported form encoding/, what);
      assert.match(response.body, /must not be compressed/, what);
    }

    it('refuses an encoded form on every page with a 415 error page', async () => {
      const { browser } = await signedInBrowser(server);
      await browser.get('/account');
      for (const path of PAGES_WITH_FORMS) {
        for (const { coding, encode } of ENCODINGS) {
          const body = encode(browser.form({ email: 'someone@runnerly.test', password: 'correct horse battery staple' }));
          expectRefused(await browser.post(path, body, { 'content-encoding': coding }), `${path} ${coding}`);
        }
      }
    });

    it('writes nothing for a refused form: no account, no sign-out, no revoked app', async () => {
      const visitor = new WebClient(server.url);
      await visitor.get('/signup');
      const email = `encoded.${Date.now()}@runnerly.test`;
      const signUp = visitor.form({ email, password: 'correct horse battery staple' });
      expectRefused(await visitor.post('/signup', gzipSync(signUp), { 'content-encoding': 'gzip' }), 'sign-up');
      await server.mailSettled();
      assert.equal(await server.tokenDealer.storage.users.findByEmailKey(email), undefined);

      const { browser, userId } = await signedInBrowser(server);
      const app = await createCodeClient(server);
      const tokens = await userTokens(server, app, userId);
      await browser.get('/account');
      expectRefused(await browser.post('/account/apps/revoke', gzipSync(browser.form({ client_id: app.client_id })), { 'content-encoding': 'gzip' }), 'revoke app');
      assert.equal(await isActive(server, app, tokens.access_token), true);
      expectRefused(await browser.post('/signout', gzipSync(browser.form({})), { 'content-encoding': 'gzip' }), 'sign-out');
      assert.equal((await browser.get('/account')).status, 200, 'still signed in');
    });

    it('accepts Content-Encoding: identity', async () => {
      const visitor = new WebClient(server.url);
      await visitor.get('/signup');
      const signedUp = await visitor.post('/signup', { email: `identity.${Date.now()}@runnerly.test`, password: 'correct horse battery staple' }, { 'content-encoding': 'identity' });
      assert.equal(signedUp.status, 200);
      assert.match(signedUp.body, /<h1>Check your email<\/h1>/);

      const { browser, userId } = await signedInBrowser(server);
      const app = await createCodeClient(server);
      const tokens = await userTokens(server, app, userId);
      await browser.get('/account');
      assert.equal((await browser.post('/account/apps/revoke', { client_id: app.client_id }, { 'content-encoding': 'identity' })).status, 303);
      assert.equal(await isActive(server, app, tokens.access_token), false);
      assert.equal((await browser.post('/signout', {}, { 'content-encoding': 'identity' })).status, 303);
      assert.equal((await browser.get('/account')).status, 303, 'signed out');
    });
  });
}
