import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { runCli, startServeProcess } from './helpers/cli.js';
import { basic, decodePart } from './helpers/test-server.js';

interface PrintedClient {
  client_id: string;
  client_secret?: string;
  scope: string;
  audiences: string[];
  token_endpoint_auth_method: string;
  resource_servers: string[];
}

/** Polls until the check passes, failing after the deadline: "takes effect within a second". */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await sleep(25);
  }
  throw new Error(`not within ${ms} ms`);
}

for (const backend of BACKENDS) {
  describe(`tokendealer CLI with a running server (${backend.name})`, () => {
    let database: TestDatabase;
    let server: Awaited<ReturnType<typeof startServeProcess>>;
    const cli = (...args: string[]) => runCli([...args, '--db', database.url]);

    before(async () => {
      database = await backend.create();
      server = await startServeProcess(['--port', '0', '--log-level', 'warn'], { TOKENDEALER_DB: database.url });
    });
    after(async () => {
      await server.stop();
      await database.drop();
    });

    const tokenStatus = async (clientId: string, secret: string) =>
      (
        await fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
          body: 'grant_type=client_credentials',
        })
      ).status;

    it('serve prints its URL and serves metadata for that issuer', async () => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
      assert.equal(metadata.issuer, server.url);
    });

    it('clients create prints the client with its secret once; list and show never print it', async () => {
      const created = await cli('clients', 'create', '--name', 'strava importer', '--grant-types', 'client_credentials', '--scope', 'runs:read runs:write', '--audience', 'runnerly.io', '--audience', 'https://api.runnerly.io');
      assert.equal(created.code, 0, created.stderr);
      const client = JSON.parse(created.stdout) as PrintedClient;
      assert.match(client.client_secret!, /^[A-Za-z0-9_-]{43}$/, '256-bit secret');
      assert.equal(client.scope, 'runs:read runs:write');
      assert.deepEqual(client.audiences, ['runnerly.io', 'https://api.runnerly.io']);
      assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');

      const listed = JSON.parse((await cli('clients', 'list')).stdout) as PrintedClient[];
      assert.ok(listed.some((entry) => entry.client_id === client.client_id));
      const shown = await cli('clients', 'show', client.client_id);
      assert.equal(shown.code, 0);
      assert.equal((JSON.parse(shown.stdout) as PrintedClient).client_id, client.client_id);
      for (const output of [JSON.stringify(listed), shown.stdout]) assert.ok(!output.includes(client.client_secret!));
    });

    it('clients create registers a first-party OpenID Connect client with post-logout redirect URIs and its ID token algorithm', async () => {
      const created = await cli(
        'clients', 'create', '--name', 'Dashboard', '--grant-types', 'authorization_code,refresh_token', '--scope', 'openid profile email runs:read',
        '--audience', 'http://127.0.0.1:8080/api', '--redirect-uri', 'http://127.0.0.1:8080/callback',
        '--post-logout-redirect-uri', 'http://127.0.0.1:8080/', '--post-logout-redirect-uri', 'http://127.0.0.1:8080/bye', '--first-party', '--id-token-alg', 'ES256',
      );
      assert.equal(created.code, 0, created.stderr);
      const client = JSON.parse(created.stdout) as Record<string, unknown>;
      assert.deepEqual(client.post_logout_redirect_uris, ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/bye']);
      assert.equal(client.first_party, true);
      assert.equal(client.id_token_signed_response_alg, 'ES256');
    });

    it('clients create --resource-server (repeatable) registers the audiences whose tokens the client may introspect', async () => {
      const created = await cli('clients', 'create', '--name', 'data service', '--grant-types', '', '--resource-server', 'runnerly.io', '--resource-server', 'https://api.runnerly.io');
      assert.equal(created.code, 0, created.stderr);
      const resourceServer = JSON.parse(created.stdout) as PrintedClient;
      assert.deepEqual(resourceServer.resource_servers, ['runnerly.io', 'https://api.runnerly.io']);
      const app = JSON.parse((await cli('clients', 'create', '--name', 'app', '--grant-types', 'client_credentials', '--audience', 'https://api.runnerly.io')).stdout) as PrintedClient;
      let token = '';
      await within(1000, async () => {
        const issued = await fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app.client_id, app.client_secret!) },
          body: 'grant_type=client_credentials',
        });
        token = issued.status === 200 ? ((await issued.json()) as { access_token: string }).access_token : '';
        return token !== '';
      });
      const introspected = await fetch(`${server.url}/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(resourceServer.client_id, resourceServer.client_secret!) },
        body: new URLSearchParams({ token }).toString(),
      });
      assert.equal(((await introspected.json()) as { active: boolean }).active, true);
    });

    it('a client created, re-secreted or deleted by the CLI takes effect in the running server within a second', async () => {
      const client = JSON.parse((await cli('clients', 'create', '--name', 'reports', '--grant-types', 'client_credentials', '--audience', 'runnerly.io')).stdout) as PrintedClient;
      await within(1000, async () => (await tokenStatus(client.client_id, client.client_secret!)) === 200);

      const rotated = await cli('clients', 'rotate-secret', client.client_id);
      assert.equal(rotated.code, 0, rotated.stderr);
      const { client_secret: newSecret } = JSON.parse(rotated.stdout) as { client_secret: string };
      assert.notEqual(newSecret, client.client_secret);
      await within(1000, async () => (await tokenStatus(client.client_id, client.client_secret!)) === 401);
      assert.equal(await tokenStatus(client.client_id, newSecret), 200);

      const deleted = await cli('clients', 'delete', client.client_id);
      assert.equal(deleted.code, 0, deleted.stderr);
      await within(1000, async () => (await tokenStatus(client.client_id, newSecret)) === 401);
    });

    it('keys rotate publishes and activates keys in the running server within a second', async () => {
      const client = JSON.parse((await cli('clients', 'create', '--name', 'dashboard', '--grant-types', 'client_credentials', '--audience', 'runnerly.io')).stdout) as PrintedClient;
      const listed = JSON.parse((await cli('keys', 'list')).stdout) as { kid: string; state: string; published: boolean }[];
      assert.deepEqual(listed.map((key) => key.state).sort(), ['active', 'active', 'next', 'next'], 'per algorithm: ES256 for access tokens, RS256 for ID tokens');
      assert.ok(listed.every((key) => key.published));
      assert.ok(listed.every((key) => !JSON.stringify(key).includes('PRIVATE')));
      const tooSoon = await cli('keys', 'rotate');
      assert.equal(tooSoon.code, 2);
      assert.match(tooSoon.stderr, /--force|force/);
      const rotation = await cli('keys', 'rotate', '--force');
      assert.equal(rotation.code, 0, rotation.stderr);
      const rotated = JSON.parse(rotation.stdout) as { activated: string[]; next: string[] };
      const esKids = new Set((JSON.parse((await cli('keys', 'list')).stdout) as { kid: string; alg: string }[]).filter((key) => key.alg === 'ES256').map((key) => key.kid));
      const activated = rotated.activated.find((kid) => esKids.has(kid));
      const next = rotated.next.find((kid) => esKids.has(kid));
      assert.ok(activated !== undefined && next !== undefined);
      await within(1000, async () => {
        const response = await fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) },
          body: 'grant_type=client_credentials',
        });
        return decodePart(((await response.json()) as { access_token: string }).access_token, 0).kid === activated;
      });
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      assert.ok(jwks.keys.some((key) => key.kid === next));
    });

    it('refuses bad input with exit code 2 and one clear line, changing nothing', async () => {
      const before = (await cli('clients', 'list')).stdout;
      const cases: [string[], RegExp][] = [
        [['clients', 'create', '--name', 'x', '--grant-types', 'password', '--audience', 'a'], /unsupported grant type "password"/],
        [['clients', 'create', '--name', 'x', '--grant-types', 'client_credentials', '--audience', 'not a uri'], /invalid audience/],
        [['clients', 'create', '--name', 'x', '--grant-types', 'client_credentials'], /audience is required/],
        [['clients', 'create', '--name', 'x', '--grant-types', 'client_credentials', '--audience', 'a', '--auth-method', 'private_key_jwt'], /jwks/],
        [['clients', 'create', '--name', 'x', '--grant-types', 'client_credentials', '--audience', 'a', '--jwks', '/nonexistent.json', '--auth-method', 'private_key_jwt'], /cannot read JWK Set/],
        [['clients', 'show', 'nobody'], /no client nobody/],
        [['clients', 'delete', 'nobody'], /no client nobody/],
        [['clients', 'rotate-secret', 'nobody'], /no client nobody/],
      ];
      for (const [args, message] of cases) {
        const result = await cli(...args);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.equal(result.stdout, '');
      }
      assert.equal((await cli('clients', 'list')).stdout, before);
    });

    it('refuses to work with another master secret than the installation was set up with', async () => {
      const other = await runCli(['clients', 'list', '--db', database.url], { TOKENDEALER_MASTER_SECRET: 'another-master-secret-of-32-characters!!' });
      assert.equal(other.code, 2);
      assert.match(other.stderr, /master secret .* differs/);
      assert.equal(other.stdout, '');
    });
  });
}

describe('tokendealer serve configuration errors', () => {
  it('names the bad flag or variable and exits with 2', async () => {
    const badPort = await runCli(['serve', '--port', 'eighty']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer/);
    const badAlg = await runCli(['serve'], { TOKENDEALER_SIGNING_ALG: 'HS256' });
    assert.equal(badAlg.code, 2);
    assert.match(badAlg.stderr, /TOKENDEALER_SIGNING_ALG must be one of ES256, RS256, PS256, EdDSA/);
    const badDb = await runCli(['serve', '--db', 'mysql://x']);
    assert.equal(badDb.code, 2);
    assert.match(badDb.stderr, /--db must start with sqlite: or postgres:\/\//);
  });
});
