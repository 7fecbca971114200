import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TokenSource, TokenSourceError } from '../src/index.js';
import { readBody, sendJson, startAuthServer, type TestAuthServer, type TokenRequest } from './support/auth-server.js';

const CLIENT_ID = 'runs-app';
const CLIENT_SECRET = 's3cret';

/** Decodes client_secret_basic credentials the way RFC 6749 section 2.3.1 says a server must. */
function basicCredentials(request: TokenRequest): [string, string] | undefined {
  const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
}

const isTokenSourceError = (error: unknown, code: string, status: number | undefined) =>
  error instanceof TokenSourceError && error.error === code && error.status === status;

describe('TokenSource', () => {
  let server: TestAuthServer;
  let issued = 0;
  let received: TokenRequest[] = [];

  before(async () => {
    server = await startAuthServer();
  });
  beforeEach(() => {
    issued = 0;
    received = [];
    server.counts.token = 0;
    server.counts.metadata = 0;
    server.tokenHandler = (request) => {
      received.push(request);
      const credentials = basicCredentials(request) ?? [request.form.get('client_id'), request.form.get('client_secret')];
      if (credentials[0] !== CLIENT_ID || credentials[1] !== CLIENT_SECRET) return { status: 401, body: { error: 'invalid_client' } };
      return { status: 200, body: { access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 300 } };
    };
  });
  after(async () => {
    await server.close();
  });

  const source = (options: Partial<ConstructorParameters<typeof TokenSource>[0]> = {}) =>
    new TokenSource({ tokenEndpoint: server.tokenEndpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options } as ConstructorParameters<
      typeof TokenSource
    >[0]);

  it('requests a client_credentials token and caches it until shortly before expiry', async () => {
    const tokens = source({ scope: ['runs:read', 'runs:write'], audience: 'https://runs.test', resource: ['https://a.test', 'https://b.test'] });
    assert.equal(await tokens.getToken(), 'token-1');
    assert.equal(await tokens.getToken(), 'token-1');
    assert.equal(await tokens.getToken(), 'token-1');
    assert.equal(server.counts.token, 1);
    const form = received[0]?.form;
    assert.equal(form?.get('grant_type'), 'client_credentials');
    assert.equal(form?.get('scope'), 'runs:read runs:write');
    assert.equal(form?.get('audience'), 'https://runs.test');
    assert.deepEqual(form?.getAll('resource'), ['https://a.test', 'https://b.test']);
    assert.equal(form?.get('client_secret'), null, 'client_secret_basic keeps the secret out of the body');
  });

  it('makes exactly one token request for 50 concurrent callers (single flight)', async () => {
    const handler = server.tokenHandler;
    server.tokenHandler = async (request) => ({ ...(await handler(request)), delayMs: 100 });
    const tokens = source();
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    assert.deepEqual(new Set(results), new Set(['token-1']));
    assert.equal(server.counts.token, 1);
  });

  it('refreshes refreshBeforeExpirySeconds before expiry', async () => {
    let now = 1_000_000;
    const tokens = source({ refreshBeforeExpirySeconds: 30, now: () => now });
    assert.equal(await tokens.getToken(), 'token-1');
    now += 269;
    assert.equal(await tokens.getToken(), 'token-1');
    now += 1;
    assert.equal(await tokens.getToken(), 'token-2');
    assert.equal(server.counts.token, 2);
  });

  it('uses a token shorter-lived than the refresh margin for half its lifetime', async () => {
    server.tokenHandler = () => ({ status: 200, body: { access_token: `short-${++issued}`, token_type: 'bearer', expires_in: 20 } });
    let now = 1_000_000;
    const tokens = source({ now: () => now });
    assert.equal(await tokens.getToken(), 'short-1');
    now += 9;
    assert.equal(await tokens.getToken(), 'short-1');
    now += 1;
    assert.equal(await tokens.getToken(), 'short-2');
  });

  it('does not cache a failed request and gives its TokenSourceError to every waiter', async () => {
    server.tokenHandler = () => ({ status: 400, body: { error: 'invalid_scope', error_description: 'unknown scope runs:fly' }, delayMs: 50 });
    const tokens = source({ scope: 'runs:fly' });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.getToken()));
    assert.equal(server.counts.token, 1);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      const reason = (outcome as PromiseRejectedResult).reason as TokenSourceError;
      assert.ok(isTokenSourceError(reason, 'invalid_scope', 400));
      assert.equal(reason.errorDescription, 'unknown scope runs:fly');
    }
    server.tokenHandler = () => ({ status: 200, body: { access_token: 'recovered', token_type: 'Bearer', expires_in: 300 } });
    assert.equal(await tokens.getToken(), 'recovered');
    assert.equal(server.counts.token, 2);
  });

  it('reports unusable answers as invalid_response and unreachable servers as request_failed', async () => {
    server.tokenHandler = () => ({ status: 502, body: 'gateway' });
    await assert.rejects(source().getToken(), (error: unknown) => isTokenSourceError(error, 'invalid_response', 502));
    server.tokenHandler = () => ({ status: 200, body: { access_token: 'x', token_type: 'DPoP', expires_in: 60 } });
    await assert.rejects(source().getToken(), (error: unknown) => isTokenSourceError(error, 'invalid_response', 200));
    server.tokenHandler = () => ({ status: 200, body: { token_type: 'Bearer' } });
    await assert.rejects(source().getToken(), (error: unknown) => isTokenSourceError(error, 'invalid_response', 200));

    const gone = await startAuthServer();
    await gone.close();
    const unreachable = new TokenSource({ tokenEndpoint: gone.tokenEndpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    await assert.rejects(unreachable.getToken(), (error: unknown) => isTokenSourceError(error, 'request_failed', undefined));
  });

  it('form-urlencodes client id and secret before base64 for client_secret_basic (RFC 6749 section 2.3.1)', async () => {
    const clientId = 'runs app:1/é+%';
    const clientSecret = 'p@ss:w+rd %&=~!*()\'"';
    server.tokenHandler = (request) => {
      received.push(request);
      return { status: 200, body: { access_token: 'ok', token_type: 'Bearer', expires_in: 60 } };
    };
    await new TokenSource({ tokenEndpoint: server.tokenEndpoint, clientId, clientSecret }).getToken();
    const request = received[0] as TokenRequest;
    assert.deepEqual(basicCredentials(request), [clientId, clientSecret]);
    const raw = Buffer.from((request.headers.authorization ?? '').slice('Basic '.length), 'base64').toString();
    assert.equal(raw.split(':').length, 2, 'colons inside the id and secret are encoded');
    assert.match(raw, /^runs\+app%3A1%2F%C3%A9%2B%25:/, 'space as +, everything else percent-encoded');
  });

  it('sends the credentials in the form body with client_secret_post', async () => {
    assert.equal(await source({ authMethod: 'client_secret_post' }).getToken(), 'token-1');
    const request = received[0] as TokenRequest;
    assert.equal(request.headers.authorization, undefined);
    assert.equal(request.form.get('client_id'), CLIENT_ID);
    assert.equal(request.form.get('client_secret'), CLIENT_SECRET);
  });

  it('discovers the token endpoint from the issuer metadata once', async () => {
    let now = 1_000_000;
    const tokens = new TokenSource({ issuer: server.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => now });
    assert.equal(await tokens.getToken(), 'token-1');
    now += 1000;
    assert.equal(await tokens.getToken(), 'token-2');
    assert.equal(server.counts.metadata, 1);
  });

  it('invalidate(token) drops the cached token only while it is still the given one', async () => {
    const tokens = source();
    assert.equal(await tokens.getToken(), 'token-1');
    tokens.invalidate('token-0');
    assert.equal(await tokens.getToken(), 'token-1');
    tokens.invalidate('token-1');
    assert.equal(await tokens.getToken(), 'token-2');
    tokens.invalidate();
    assert.equal(await tokens.getToken(), 'token-3');
  });

  it('rejects contradictory options', () => {
    assert.throws(() => new TokenSource({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } as ConstructorParameters<typeof TokenSource>[0]), TypeError);
    assert.throws(() => source({ issuer: server.issuer }), TypeError);
    assert.throws(() => source({ authMethod: 'private_key_jwt' as 'client_secret_post' }), TypeError);
  });
});

describe('TokenSource.fetch', () => {
  let auth: TestAuthServer;
  let resource: Server;
  let resourceUrl: string;
  let issued = 0;
  let acceptedToken = '';
  const seen: Array<{ authorization: string | undefined; body: string }> = [];

  before(async () => {
    auth = await startAuthServer();
    auth.tokenHandler = () => ({ status: 200, body: { access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 300 } });
    resource = createServer((req, res) => {
      readBody(req).then((body) => {
        seen.push({ authorization: req.headers.authorization, body });
        if (req.headers.authorization === `Bearer ${acceptedToken}`) sendJson(res, 200, { ok: true, body });
        else sendJson(res, 401, { error: 'invalid_token' });
      }, () => res.destroy());
    });
    await new Promise<void>((resolve) => resource.listen(0, '127.0.0.1', resolve));
    resourceUrl = `http://127.0.0.1:${(resource.address() as AddressInfo).port}/runs`;
  });
  beforeEach(() => {
    issued = 0;
    seen.length = 0;
    auth.counts.token = 0;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      resource.close(() => resolve());
      resource.closeAllConnections();
    });
    await auth.close();
  });

  const tokens = () => new TokenSource({ tokenEndpoint: auth.tokenEndpoint, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

  it('sends the cached token as Authorization: Bearer', async () => {
    acceptedToken = 'token-1';
    const source = tokens();
    const response = await source.fetch(resourceUrl, { headers: { 'x-request-id': 'r1' } });
    assert.equal(response.status, 200);
    await source.fetch(new Request(resourceUrl));
    assert.deepEqual(
      seen.map((s) => s.authorization),
      ['Bearer token-1', 'Bearer token-1'],
    );
    assert.equal(auth.counts.token, 1);
  });

  it('on a 401 retries exactly once with a fresh token, replaying the body', async () => {
    acceptedToken = 'token-2';
    const response = await tokens().fetch(resourceUrl, { method: 'POST', body: '{"distance":42}', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, body: '{"distance":42}' });
    assert.deepEqual(seen, [
      { authorization: 'Bearer token-1', body: '{"distance":42}' },
      { authorization: 'Bearer token-2', body: '{"distance":42}' },
    ]);
    assert.equal(auth.counts.token, 2);
  });

  it('returns the second 401 instead of retrying again', async () => {
    acceptedToken = 'never';
    const response = await tokens().fetch(resourceUrl);
    assert.equal(response.status, 401);
    assert.equal(seen.length, 2);
    assert.equal(auth.counts.token, 2);
  });

  it('does not retry a request whose stream body cannot be replayed', async () => {
    acceptedToken = 'token-2';
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await tokens().fetch(resourceUrl, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(response.status, 401);
    assert.equal(seen.length, 1);
    assert.equal(auth.counts.token, 1);
  });
});
