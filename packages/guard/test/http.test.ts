import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authenticateRequest,
  createVerifier,
  errorResponse,
  extractBearerToken,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  type AccessTokenVerifier,
  type BearerRequest,
} from '../src/index.js';
import { startAuthServer, type TestAuthServer } from './support/auth-server.js';
import { generateSigningKey, mintToken } from './support/keys.js';

const AUDIENCE = 'https://runs.runnerly.test';
const request = (authorization?: string | string[], url = '/runs'): BearerRequest => ({
  method: 'GET',
  url,
  headers: authorization === undefined ? {} : { authorization },
});

describe('extractBearerToken', () => {
  it('takes the token from "Authorization: Bearer <token>", whatever the letter case of the scheme', () => {
    assert.equal(extractBearerToken(request('Bearer abc.def.ghi')), 'abc.def.ghi');
    assert.equal(extractBearerToken(request('bearer abc')), 'abc');
    assert.equal(extractBearerToken(request('BEARER   abc')), 'abc');
    assert.equal(extractBearerToken(request('Bearer aZ09-._~+/==')), 'aZ09-._~+/==', 'every RFC 6750 b64token character');
    assert.equal(extractBearerToken(request(['Bearer single'])), 'single');
  });

  it('throws MissingTokenError when there is no Authorization header or it uses another scheme (RFC 6750 section 3.1)', () => {
    for (const authorization of [undefined, '', '   ', 'Basic dXNlcjpwYXNz', 'Bearerabc', 'DPoP abc']) {
      assert.throws(() => extractBearerToken(request(authorization)), MissingTokenError, JSON.stringify(authorization));
    }
  });

  it('throws InvalidRequestError (400) for a malformed Bearer header', () => {
    const cases: Array<[string | string[], RegExp]> = [
      ['Bearer', /malformed Authorization header/],
      ['Bearer "abc"', /malformed Authorization header/],
      ['Bearer abc=def', /malformed Authorization header/],
      ['Bearer abc def', /more than one token/],
      ['Bearer abc,def', /more than one token/],
      [['Bearer abc', 'Bearer def'], /more than one Authorization header/],
    ];
    for (const [authorization, description] of cases) {
      assert.throws(
        () => extractBearerToken(request(authorization)),
        (error: unknown) => error instanceof InvalidRequestError && error.status === 400 && description.test(error.description),
        JSON.stringify(authorization),
      );
    }
  });

  it('refuses a token in the query string with 400 invalid_request, even next to a valid header (RFC 6750 section 2.3, RFC 9700)', () => {
    for (const url of ['/runs?access_token=abc', '/runs?limit=5&access_token=', '/runs?access%5Ftoken=abc']) {
      assert.throws(
        () => extractBearerToken(request('Bearer abc', url)),
        (error: unknown) => error instanceof InvalidRequestError && error.description === 'tokens in query strings are not accepted',
        url,
      );
    }
    assert.equal(extractBearerToken(request('Bearer abc', '/runs?not_access_token=1&q=access_token')), 'abc');
  });
});

describe('errorResponse', () => {
  it('gives the exact status, headers and body of each RFC 6750 error', () => {
    assert.deepEqual(errorResponse(new InvalidTokenError('token expired'), 'runs'), {
      status: 401,
      headers: {
        'www-authenticate': 'Bearer realm="runs", error="invalid_token", error_description="token expired"',
        'cache-control': 'no-store',
        'content-type': 'application/json',
      },
      body: { error: 'invalid_token', error_description: 'token expired' },
    });
    assert.deepEqual(errorResponse(new InsufficientScopeError(['runs:write'], 'the access token lacks scope: runs:write'), 'runs'), {
      status: 403,
      headers: {
        'www-authenticate':
          'Bearer realm="runs", error="insufficient_scope", error_description="the access token lacks scope: runs:write", scope="runs:write"',
        'cache-control': 'no-store',
        'content-type': 'application/json',
      },
      body: { error: 'insufficient_scope', error_description: 'the access token lacks scope: runs:write' },
    });
    assert.deepEqual(errorResponse(new InvalidRequestError('tokens in query strings are not accepted'), 'runs'), {
      status: 400,
      headers: {
        'www-authenticate': 'Bearer realm="runs", error="invalid_request", error_description="tokens in query strings are not accepted"',
        'cache-control': 'no-store',
        'content-type': 'application/json',
      },
      body: { error: 'invalid_request', error_description: 'tokens in query strings are not accepted' },
    });
    assert.deepEqual(errorResponse(new MissingTokenError(), 'runs'), {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="runs"', 'cache-control': 'no-store', 'content-type': 'application/json' },
      body: { error: 'missing_token', error_description: 'an access token is required' },
    });
  });

  it('rethrows errors that are not GuardErrors, unchanged', () => {
    const failure = new Error('database down');
    assert.throws(() => errorResponse(failure, 'runs'), (error: unknown) => error === failure);
  });
});

describe('authenticateRequest', () => {
  const key = generateSigningKey('ES256');
  let server: TestAuthServer;
  let verifier: AccessTokenVerifier;
  before(async () => {
    server = await startAuthServer([key]);
    verifier = createVerifier({ issuer: server.issuer, audience: AUDIENCE });
  });
  after(async () => {
    await server.close();
  });

  it('returns the claims of a valid bearer token carrying the required scopes', async () => {
    const token = await mintToken(key, { issuer: server.issuer, audience: AUDIENCE });
    const claims = await authenticateRequest(request(`Bearer ${token}`), verifier, { scopes: ['runs:read'] });
    assert.equal(claims.client_id, 'runs-app');
  });

  it('turns each failure into the matching RFC 6750 response', async () => {
    const token = await mintToken(key, { issuer: server.issuer, audience: AUDIENCE });
    const expired = await mintToken(key, { issuer: server.issuer, audience: AUDIENCE, claims: { exp: 1_000_000, iat: 999_000 } });
    const cases: Array<[BearerRequest, string[] | undefined, number, string]> = [
      [request(), undefined, 401, 'Bearer realm="runs"'],
      [request(`Bearer ${expired}`), undefined, 401, 'Bearer realm="runs", error="invalid_token", error_description="token expired"'],
      [request(`Bearer ${token}`, `/runs?access_token=${token}`), undefined, 400, 'Bearer realm="runs", error="invalid_request", error_description="tokens in query strings are not accepted"'],
      [
        request(`Bearer ${token}`),
        ['runs:admin'],
        403,
        'Bearer realm="runs", error="insufficient_scope", error_description="the access token lacks scope: runs:admin", scope="runs:admin"',
      ],
    ];
    for (const [req, scopes, status, challenge] of cases) {
      const response = await authenticateRequest(req, verifier, { scopes }).then(
        () => assert.fail('expected a failure'),
        (error: unknown) => errorResponse(error, 'runs'),
      );
      assert.equal(response.status, status);
      assert.equal(response.headers['www-authenticate'], challenge);
    }
  });
});
