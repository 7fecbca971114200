// Client authentication failures, seen from outside: the same answer and the same throttling for
// an unknown client id as for a registered client (whatever its method), and nobody can lock a
// client out by failing in its name, whether with forged assertions or with made-up ids.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { BACKENDS } from './helpers/databases.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const LIMIT = 3;
/** An address may fail five times the per-client limit. */
const ADDRESS_LIMIT = LIMIT * 5;
/** Headers that say nothing about the request (they vary with time or connection handling). */
const INCIDENTAL_HEADERS = new Set(['date', 'connection', 'keep-alive']);

async function clientKeys(kid: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

async function answerOf(response: Response): Promise<Answer> {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !INCIDENTAL_HEADERS.has(name)));
  return { status: response.status, body: await response.json(), headers };
}

for (const backend of BACKENDS) {
  describe(`client authentication failures look alike (${backend.name})`, () => {
    let server: TestServer;
    let keys: { privateKey: CryptoKey; jwk: JWK };
    let forger: { privateKey: CryptoKey; jwk: JWK };
    let jwtClientId: string;
    let secretClientId: string;
    let addressCounter = 0;
    /** Each scenario fails from its own address, so that the per-address count of one does not reach into another. */
    const freshAddress = () => `198.51.100.${++addressCounter}`;

    before(async () => {
      server = await startTestServer(backend, { authFailureLimit: LIMIT, trustProxy: ['127.0.0.1', '::1'] });
      keys = await clientKeys('k1');
      forger = await clientKeys('k1');
      jwtClientId = (await server.createClient({ authMethod: 'private_key_jwt', jwks: { keys: [keys.jwk] } })).client_id;
      secretClientId = (await server.createClient()).client_id;
    });
    after(() => server.stop());

    function assertion(subject: string, key: CryptoKey): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(subject)
        .setSubject(subject)
        .setAudience(server.url)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key);
    }
    async function withAssertion(subject: string, key: CryptoKey, address: string): Promise<Response> {
      return server.post(
        '/oauth/token',
        { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(subject, key) },
        { 'x-forwarded-for': address },
      );
    }
    const withSecret = (clientId: string, secret: string, address: string) =>
      server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret), 'x-forwarded-for': address });
    /** A made-up id of the same shape as registered ones. */
    const madeUpId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url').replace(/^-/, 'A');

    it('answers a forged assertion for a private_key_jwt client exactly as one for an unknown client id', async () => {
      const forged = await answerOf(await withAssertion(jwtClientId, forger.privateKey, freshAddress()));
      const unknown = await answerOf(await withAssertion(madeUpId(), forger.privateKey, freshAddress()));
      assert.equal(forged.status, 401);
      assert.deepEqual(forged.body, { error: 'invalid_client', error_description: 'client authentication failed' });
      assert.deepEqual(unknown, forged);
    });

    it('answers a wrong secret, and a secret for a private_key_jwt client, exactly as an unknown client id', async () => {
      const wrong = await answerOf(await withSecret(secretClientId, 'wrong', freshAddress()));
      const wrongMethod = await answerOf(await withSecret(jwtClientId, 'guess', freshAddress()));
      const unknown = await answerOf(await withSecret(madeUpId(), 'guess', freshAddress()));
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrongMethod, wrong);
      assert.deepEqual(unknown, wrong);
    });

    it('throttles an unknown client id at the same attempt, with the same answer, as a registered one', async () => {
      const unknownId = madeUpId();
      const registered: Answer[] = [];
      const unknown: Answer[] = [];
      const registeredAddress = freshAddress();
      const unknownAddress = freshAddress();
      for (let i = 0; i <= LIMIT; i++) {
        registered.push(await answerOf(await withAssertion(jwtClientId, forger.privateKey, registeredAddress)));
        unknown.push(await answerOf(await withAssertion(unknownId, forger.privateKey, unknownAddress)));
      }
      assert.deepEqual(registered.map((answer) => answer.status), [401, 401, 401, 429]);
      assert.deepEqual(unknown.map((answer) => answer.status), registered.map((answer) => answer.status));
      assert.deepEqual(unknown[LIMIT]!.body, registered[LIMIT]!.body);
      assert.deepEqual(Object.keys(unknown[LIMIT]!.headers).sort(), Object.keys(registered[LIMIT]!.headers).sort());
    });

    it('still accepts a valid assertion from an address that sent the limit of forged ones in its name', async () => {
      const address = freshAddress();
      for (let i = 0; i < LIMIT; i++) assert.equal((await withAssertion(jwtClientId, forger.privateKey, address)).status, 401);
      assert.equal((await withAssertion(jwtClientId, forger.privateKey, address)).status, 429);
      const valid = await withAssertion(jwtClientId, keys.privateKey, address);
      assert.equal(valid.status, 200, await valid.clone().text());
      assert.equal((await withAssertion(jwtClientId, forger.privateKey, address)).status, 429, 'forgeries are still refused');
    });

    it('still accepts a valid assertion from an address that failed its limit with made-up client ids', async () => {
      const address = freshAddress();
      for (let i = 0; i < ADDRESS_LIMIT; i++) assert.equal((await withAssertion(madeUpId(), forger.privateKey, address)).status, 401);
      assert.equal((await withAssertion(madeUpId(), forger.privateKey, address)).status, 429);
      assert.equal((await withAssertion(jwtClientId, keys.privateKey, address)).status, 200);
      assert.equal((await withSecret(secretClientId, 'wrong', address)).status, 429);
    });
  });
}
