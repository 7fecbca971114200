// The lean token path (src/http/lean-token-endpoint.ts) answers correct client credentials
// requests before Fastify; these tests compare it with the Fastify route on the same server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS } from './helpers/databases.js';
import { basic, decodePart, startTestServer, type TestServer } from './helpers/test-server.js';

/** Same media type with a parameter: not the lean path's exact match, so Fastify's route answers. */
const FORM_WITH_CHARSET = 'application/x-www-form-urlencoded; charset=utf-8';

/** A response's headers without the ones that differ between any two responses. */
function stableHeaders(response: Response): Record<string, string> {
  const headers = Object.fromEntries(response.headers);
  delete headers.date;
  delete headers['content-length'];
  return headers;
}

for (const backend of BACKENDS) {
  describe(`token endpoint, lean path and Fastify route answer alike (${backend.name})`, () => {
    let server: TestServer;
    let client: Awaited<ReturnType<TestServer['createClient']>>;

    before(async () => {
      server = await startTestServer(backend);
      client = await server.createClient();
    });
    after(() => server.stop());

    const token = (body: Record<string, string>, headers: Record<string, string> = {}, secret = client.client_secret) =>
      server.post('/oauth/token', { grant_type: 'client_credentials', ...body }, { authorization: basic(client.client_id, secret), ...headers });

    it('issues the same token response, headers included, on both paths', async () => {
      const lean = await token({ scope: 'runs:read' });
      const routed = await token({ scope: 'runs:read' }, { 'content-type': FORM_WITH_CHARSET });
      assert.equal(lean.status, 200);
      assert.equal(routed.status, 200);
      assert.deepEqual(stableHeaders(lean), stableHeaders(routed));
      assert.deepEqual(stableHeaders(lean), {
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'content-type': 'application/json; charset=utf-8',
        connection: 'keep-alive',
        'keep-alive': 'timeout=65',
      });
      const [leanBody, routedBody] = (await Promise.all([lean.json(), routed.json()])) as Record<string, unknown>[];
      assert.deepEqual(Object.keys(leanBody!), ['access_token', 'token_type', 'expires_in', 'scope']);
      assert.deepEqual({ ...leanBody, access_token: '' }, { ...routedBody, access_token: '' });
      const claims = decodePart(leanBody!.access_token as string, 1);
      assert.equal(claims.client_id, client.client_id);
      assert.equal(claims.scope, 'runs:read');
    });

    it('leaves every refusal to the Fastify route, which reads the body the lean path read', async () => {
      const wrongSecret = await token({}, {}, 'not-the-secret');
      assert.equal(wrongSecret.status, 401);
      assert.equal(((await wrongSecret.json()) as { error: string }).error, 'invalid_client');
      assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic/);

      const badScope = await token({ scope: 'admin' });
      assert.equal(badScope.status, 400);
      assert.deepEqual(await badScope.json(), { error: 'invalid_scope', error_description: 'scope not allowed for this client: admin' });

      const otherGrant = await token({ grant_type: 'password' });
      assert.equal(otherGrant.status, 400);
      assert.equal(((await otherGrant.json()) as { error: string }).error, 'unsupported_grant_type');
    });

    it('counts lean and routed tokens in the same metrics', async () => {
      const counted = async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
        return {
          issued: value(/tokendealer_tokens_issued_total\{grant_type="client_credentials"\} (\d+)/),
          ok: value(/^http_server_request_duration_seconds_count\{method="POST",route="\/oauth\/token",status="200"\} (\d+)$/m),
        };
      };
      const before = await counted();
      assert.equal((await token({})).status, 200);
      assert.equal((await token({}, { 'content-type': FORM_WITH_CHARSET })).status, 200);
      assert.deepEqual(await counted(), { issued: before.issued + 2, ok: before.ok + 2 });
    });
  });
}
