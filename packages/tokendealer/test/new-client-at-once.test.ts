// A client works as soon as it exists: a running server that has not polled for changes yet looks
// an unknown (well-formed) client id up in the database before refusing it, at the token, PAR,
// introspection and revocation endpoints, so a script that creates a client and at once asks for
// a token just works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, type TestDatabase } from './helpers/databases.js';
import { runCli, startServeProcess } from './helpers/cli.js';
import { basic, startTestServer, type TestServer } from './helpers/test-server.js';
import { resolveConfig } from '../src/config/options.js';
import { openInstallation } from '../src/tokendealer.js';
import { ClientService } from '../src/clients/client-service.js';
import type { NewClient } from '../src/clients/client-validation.js';
import type { ClientRecord } from '../src/clients/client.js';
import { ClientRegistry } from '../src/clients/client-registry.js';
import { openStorage } from '../src/storage/index.js';

/** Long enough that no poll happens while a test runs. */
const CHANGE_POLL_MS = 60_000;

for (const backend of BACKENDS) {
  describe(`a client created elsewhere works at once (${backend.name})`, () => {
    let server: TestServer;
    /** Creates clients as the CLI does: another process's view of the database, which the server learns of only by polling. */
    let createElsewhere: (input?: Partial<NewClient>) => Promise<{ client_id: string; client_secret?: string }>;
    let closeElsewhere: () => Promise<void>;

    before(async () => {
      server = await startTestServer(backend, { changePollMs: CHANGE_POLL_MS });
      const { storage, hasher } = await openInstallation({ ...resolveConfig({}, {}), db: server.database.url });
      const clients = new ClientService(storage.clients, hasher);
      createElsewhere = (input = {}) =>
        clients.create({ name: 'made elsewhere', grantTypes: ['client_credentials'], scopes: ['runs:read'], audiences: ['runnerly.io'], ...input });
      closeElsewhere = () => storage.close();
    });
    after(async () => {
      await closeElsewhere();
      await server.stop();
    });

    const authorization = (client: { client_id: string; client_secret?: string }) => ({ authorization: basic(client.client_id, client.client_secret!) });

    it('issues a token to a client created after the last poll, and the client stays known', async () => {
      const client = await createElsewhere();
      assert.equal((await server.post('/oauth/token', { grant_type: 'client_credentials' }, authorization(client))).status, 200);
      assert.equal((await server.post('/oauth/token', { grant_type: 'client_credentials' }, authorization(client))).status, 200);
      assert.ok(server.tokenDealer.findClient(client.client_id));
    });

    it('knows such a client at the PAR, introspection and revocation endpoints too', async () => {
      const forPar = await createElsewhere({ grantTypes: ['authorization_code'], redirectUris: ['https://app.example/callback'] });
      const pushed = await server.post(
        '/oauth/par',
        { response_type: 'code', redirect_uri: 'https://app.example/callback', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' },
        authorization(forPar),
      );
      assert.equal(pushed.status, 201, await pushed.clone().text());
      const forIntrospection = await createElsewhere({ grantTypes: [], audiences: [], resourceServers: ['runnerly.io'] });
      assert.equal((await server.post('/oauth/introspect', { token: 'x' }, authorization(forIntrospection))).status, 200);
      const forRevocation = await createElsewhere();
      assert.equal((await server.post('/oauth/revoke', { token: 'x' }, authorization(forRevocation))).status, 200);
    });

    it('still refuses an unknown id, and a wrong secret of a client created after the last poll', async () => {
      const client = await createElsewhere();
      const wrong = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') });
      assert.equal(wrong.status, 401);
      const unknown = await server.post('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic('AAAAAAAAAAAAAAAAAAAAAA', 'x') });
      assert.equal(unknown.status, 401);
      assert.deepEqual(await unknown.json(), { error: 'invalid_client', error_description: 'client authentication failed' });
    });
  });

  describe(`looking up unknown client ids (${backend.name})`, () => {
    const record = (clientId: string): ClientRecord => ({
      clientId, name: 'looked up', grantTypes: ['client_credentials'], scopes: [], audiences: ['runnerly.io'], authMethod: 'client_secret_basic',
      secretHash: 'hash', jwks: null, jwksUri: null, redirectUris: [], allowedOrigins: [], resourceServers: [], requirePar: false,
      rotateRefreshTokens: true, postLogoutRedirectUris: [], firstParty: false, idTokenSignedResponseAlg: 'RS256',
      createdAt: 1_700_000_000, updatedAt: 1_700_000_000,
    });

    it('believes the database\'s "no such client" for a second, and never asks about ill-formed ids', async () => {
      const database = await backend.create();
      const storage = await openStorage(database.url);
      try {
        const registry = new ClientRegistry(storage.clients);
        const now = 1_000_000;
        const id = 'BBBBBBBBBBBBBBBBBBBBBB';
        assert.equal(await registry.lookUp(id, now), undefined);
        await storage.clients.insert(record(id));
        assert.equal(await registry.lookUp(id, now + 999), undefined, 'the absence is remembered');
        assert.equal((await registry.lookUp(id, now + 1000))?.clientId, id, 'and asked again after a second');
        await storage.clients.insert(record('not well formed!'));
        assert.equal(await registry.lookUp('not well formed!', now), undefined);
      } finally {
        await storage.close();
        await database.drop();
      }
    });
  });

  describe(`a client created with the CLI works at once in a running server (${backend.name})`, () => {
    let database: TestDatabase;
    let server: Awaited<ReturnType<typeof startServeProcess>>;

    before(async () => {
      database = await backend.create();
      server = await startServeProcess(['--port', '0', '--log-level', 'warn', '--change-poll-ms', String(CHANGE_POLL_MS)], { TOKENDEALER_DB: database.url });
    });
    after(async () => {
      await server.stop();
      await database.drop();
    });

    it('answers the first token request right after clients create', async () => {
      const created = await runCli(['clients', 'create', '--name', 'script', '--grant-types', 'client_credentials', '--audience', 'runnerly.io', '--db', database.url]);
      assert.equal(created.code, 0, created.stderr);
      const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
      const response = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret) },
        body: 'grant_type=client_credentials',
      });
      assert.equal(response.status, 200, await response.clone().text());
    });
  });
}
