// Pushed authorization requests (RFC 9126): client authentication as at the token endpoint,
// the same checks as /oauth/authorize (answered as JSON), and a request_uri that is single use,
// short-lived and bound to its client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { WebClient } from './helpers/web-client.js';
import { PASSWORD, pendingIdOf, pkcePair, redirectOf, signedInBrowser } from './helpers/authorization.js';
import { hashOpaqueToken } from '../src/tokens/opaque-token.js';

const REDIRECT = 'https://partner.example/cb';
const API = 'https://api.runnerly.io';

interface ParBody {
  request_uri?: string;
  expires_in?: number;
  error?: string;
}

for (const backend of BACKENDS) {
  describe(`pushed authorization requests (${backend.name})`, () => {
    let server: TestServer;
    let partner: Awaited<ReturnType<TestServer['createClient']>>;
    let strict: Awaited<ReturnType<TestServer['createClient']>>;
    let spa: Awaited<ReturnType<TestServer['createClient']>>;
    const pkce = pkcePair();

    before(async () => {
      server = await startTestServer(backend);
      const common = { grantTypes: ['authorization_code', 'refresh_token'], scopes: ['runs:read', 'plans:read'], audiences: [API], redirectUris: [REDIRECT] };
      partner = await server.createClient({ name: 'Partner', ...common });
      strict = await server.createClient({ name: 'Strict', ...common, requirePar: true });
      spa = await server.createClient({ name: 'SPA', ...common, authMethod: 'none' });
    });
    after(() => server.stop());

    const request = (overrides: Record<string, string | null> = {}) => {
      const all: Record<string, string | null> = {
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'runs:read plans:read',
        state: 'pushed-state',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...overrides,
      };
      return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null));
    };

    async function push(body: Record<string, string>, auth: string | null = basic(partner.client_id, partner.client_secret)) {
      const response = await server.post('/oauth/par', body, auth ? { authorization: auth } : {});
      return { status: response.status, headers: response.headers, body: (await response.json()) as ParBody };
    }

    const authorizeWith = (clientId: string, requestUri: string, extra = '') =>
      `/oauth/authorize?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri)}${extra}`;

    it('answers 201 with a request_uri that /oauth/authorize resolves to the pushed parameters, ignoring any others', async () => {
      const pushed = await push(request());
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      assert.equal(pushed.headers.get('cache-control'), 'no-store');
      assert.match(pushed.body.request_uri!, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
      assert.equal(pushed.body.expires_in, 60);
      // Stored only hashed.
      const random = pushed.body.request_uri!.split(':').at(-1)!;
      assert.ok(await server.tokenDealer.storage.pushedRequests.find(hashOpaqueToken(random)));
      assert.equal(await server.tokenDealer.storage.pushedRequests.find(random), undefined);

      const { browser } = await signedInBrowser(server);
      // RFC 9126 section 4: parameters beside client_id and request_uri are ignored.
      const consent = await browser.get(authorizeWith(partner.client_id, pushed.body.request_uri!, '&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=admin&state=other'));
      assert.equal(consent.status, 200, consent.body.slice(0, 300));
      assert.match(consent.body, /See your runs/);
      assert.match(consent.body, /See your training plans/);
      const allowed = await browser.post('/oauth/consent', { pending_id: pendingIdOf(consent), decision: 'allow' });
      const location = redirectOf(allowed, server.url);
      assert.equal(location.origin + location.pathname, REDIRECT);
      assert.equal(location.searchParams.get('state'), 'pushed-state');
      assert.equal(location.searchParams.get('iss'), server.url);
      const tokens = await server.post(
        '/oauth/token',
        { grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: pkce.verifier },
        { authorization: basic(partner.client_id, partner.client_secret) },
      );
      assert.equal(tokens.status, 200);
      assert.equal(((await tokens.json()) as { scope: string }).scope, 'runs:read plans:read');

      // Single use: the same request_uri again is refused on a page.
      const again = await browser.get(authorizeWith(partner.client_id, pushed.body.request_uri!));
      assert.equal(again.status, 400);
      assert.equal(again.headers.get('location'), null);
      assert.match(again.body, /already used/);
    });

    it('keeps the request_uri through sign-in: the way back names it, and it is used up only then', async () => {
      const pushed = await push(request());
      const email = `par.${Date.now()}@runnerly.test`;
      await server.tokenDealer.accounts.create(email, PASSWORD, true);
      const browser = new WebClient(server.url);
      const toSignIn = redirectOf(await browser.get(authorizeWith(partner.client_id, pushed.body.request_uri!)), server.url);
      assert.equal(toSignIn.pathname, '/signin');
      const returnTo = toSignIn.searchParams.get('return_to')!;
      assert.equal(returnTo, `/oauth/authorize?client_id=${partner.client_id}&request_uri=${encodeURIComponent(pushed.body.request_uri!)}`);
      await browser.get(toSignIn.pathname + toSignIn.search);
      await browser.post('/signin', { email, password: PASSWORD, return_to: returnTo });
      assert.equal((await browser.get(returnTo)).status, 200);
    });

    it('refuses an expired request_uri, one of another client, and a made-up one', async () => {
      const { browser } = await signedInBrowser(server);
      const now = Math.floor(Date.now() / 1000);
      await server.tokenDealer.storage.pushedRequests.create({
        requestHash: hashOpaqueToken('expired-request'),
        clientId: partner.client_id,
        parameters: { ...Object.fromEntries(Object.entries(request()).map(([name, value]) => [name, [value]])), client_id: [partner.client_id] },
        createdAt: now - 120,
        expiresAt: now - 60,
      });
      const expired = await browser.get(authorizeWith(partner.client_id, 'urn:ietf:params:oauth:request_uri:expired-request'));
      assert.equal(expired.status, 400);
      assert.match(expired.body, /expired/);
      const pushed = await push(request());
      const foreign = await browser.get(authorizeWith(spa.client_id, pushed.body.request_uri!));
      assert.equal(foreign.status, 400);
      assert.equal(foreign.headers.get('location'), null);
      assert.equal((await browser.get(authorizeWith(partner.client_id, 'urn:ietf:params:oauth:request_uri:nothing'))).status, 400);
      // The foreign attempt did not spend it: its own client still can use it.
      assert.equal((await browser.get(authorizeWith(partner.client_id, pushed.body.request_uri!))).status, 200);
    });

    it('lets a client registered with require_par in only through a pushed request', async () => {
      const browser = (await signedInBrowser(server)).browser;
      const direct = new URLSearchParams({ ...request(), client_id: strict.client_id, state: 'direct' });
      const refused = redirectOf(await browser.get(`/oauth/authorize?${direct.toString()}`), server.url);
      assert.equal(refused.searchParams.get('error'), 'invalid_request');
      assert.equal(refused.searchParams.get('state'), 'direct');
      const pushed = await push(request(), basic(strict.client_id, strict.client_secret));
      assert.equal(pushed.status, 201);
      assert.equal((await browser.get(authorizeWith(strict.client_id, pushed.body.request_uri!))).status, 200);
    });

    it('authenticates like the token endpoint: bad or missing credentials get 401 invalid_client, public clients send client_id', async () => {
      for (const auth of [basic(partner.client_id, 'wrong'), basic('nobody', 'x'), null]) {
        const refused = await push(request(), auth);
        assert.equal(refused.status, 401);
        assert.equal(refused.body.error, 'invalid_client');
      }
      assert.equal((await push({ ...request(), client_id: partner.client_id }, null)).status, 401, 'a confidential client without its secret');
      assert.equal((await push({ ...request(), client_id: spa.client_id }, null)).status, 201);
      const mismatch = await push({ ...request(), client_id: spa.client_id });
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.body.error, 'invalid_request');
      assert.equal((await fetch(`${server.url}/oauth/par`)).status, 405);
    });

    it('checks the pushed parameters as /oauth/authorize does, answering JSON 400', async () => {
      const cases: [Record<string, string | null>, string][] = [
        [{ code_challenge: null, code_challenge_method: null }, 'invalid_request'],
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ scope: 'admin' }, 'invalid_scope'],
        [{ resource: 'https://evil.example' }, 'invalid_target'],
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ redirect_uri: 'https://evil.example/cb' }, 'invalid_request'],
        [{ redirect_uri: null }, 'invalid_request'],
        [{ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'invalid_request'],
        [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
      ];
      for (const [overrides, error] of cases) {
        const refused = await push(request(overrides));
        assert.equal(refused.status, 400, JSON.stringify(overrides));
        assert.equal(refused.body.error, error, JSON.stringify(overrides));
      }
      const repeated = await server.post('/oauth/par', `${new URLSearchParams(request()).toString()}&scope=runs:read`, { authorization: basic(partner.client_id, partner.client_secret) });
      assert.equal(repeated.status, 400);
      assert.equal(((await repeated.json()) as ParBody).error, 'invalid_request');
    });

    it('advertises the authorization and PAR endpoints in the metadata', async () => {
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      assert.equal(metadata.authorization_endpoint, `${server.url}/oauth/authorize`);
      assert.equal(metadata.pushed_authorization_request_endpoint, `${server.url}/oauth/par`);
      assert.equal(metadata.require_pushed_authorization_requests, false);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.response_modes_supported, ['query']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    });
  });
}
