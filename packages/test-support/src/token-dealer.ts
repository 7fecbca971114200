// A real TokenDealer, in-process on a free loopback port with a fresh SQLite file, for the tests of
// the services that trust it: service clients get tokens from its token endpoint over HTTP, and
// user tokens are signed by its own signing key (what the authorization code flow would issue,
// without a browser), so every service verifies them through the real JWKS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { issueAccessToken, resolveConfig, startServer, type RunningServer } from 'tokendealer';
import { testKeyPair } from './test-key-pair.js';

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
  /** A client_credentials token from the token endpoint. */
  token(scope: string, audience: string): Promise<string>;
}

export interface TestTokenDealer {
  issuer: string;
  server: RunningServer;
  createServiceClient(options: { scopes: string[]; audiences: string[]; name?: string }): Promise<ServiceClient>;
  /** A confirmed account that can sign in at once; its id is the subject of its tokens. */
  createUser(email: string, password: string): Promise<string>;
  /** A confidential client of the authorization code grant (with refresh tokens), e.g. the dashboard. */
  createWebClient(options: { redirectUris: string[]; scopes: string[]; audiences: string[]; name?: string; extra?: Record<string, unknown> }): Promise<{ clientId: string; clientSecret: string }>;
  /** An access token for a user (a new random subject unless given), as the dashboard would hold. */
  userToken(options: { scopes: string[]; audience: string; sub?: string; clientId?: string; lifetimeSeconds?: number }): string;
  stop(): Promise<void>;
}

export async function startTestTokenDealer(): Promise<TestTokenDealer> {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-td-'));
  const config = { ...resolveConfig({}, {}), port: 0, db: `sqlite:${join(dir, 'tokendealer.sqlite')}`, logLevel: 'silent', outboxDir: join(dir, 'outbox') };
  // scrypt at 16 MiB instead of 128: tests hash passwords at every sign-up and sign-in.
  const server = await startServer(config, pino({ level: 'silent' }), { scrypt: { logN: 14, r: 8, p: 1 }, generateKeyPair: testKeyPair });
  const tokenDealer = server.tokenDealer;
  return {
    issuer: server.url,
    server,
    async createServiceClient({ scopes, audiences, name = 'test service' }) {
      const created = (await tokenDealer.clients.create({ name, grantTypes: ['client_credentials'], scopes, audiences })) as { client_id: string; client_secret: string };
      await tokenDealer.sync(true);
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(created.client_id)}:${encodeURIComponent(created.client_secret)}`).toString('base64')}`;
      return {
        clientId: created.client_id,
        clientSecret: created.client_secret,
        async token(scope, audience) {
          const response = await fetch(`${server.url}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
            body: new URLSearchParams({ grant_type: 'client_credentials', scope, audience }).toString(),
          });
          const body = (await response.json()) as { access_token?: string; error?: string };
          if (!response.ok || !body.access_token) throw new Error(`token request failed: ${response.status} ${body.error ?? ''}`);
          return body.access_token;
        },
      };
    },
    async createUser(email, password) {
      const user = (await tokenDealer.accounts.create(email, password, true)) as { id: string };
      return user.id;
    },
    async createWebClient({ redirectUris, scopes, audiences, name = 'test web app', extra = {} }) {
      const created = (await tokenDealer.clients.create({ name, grantTypes: ['authorization_code', 'refresh_token'], redirectUris, scopes, audiences, ...extra })) as {
        client_id: string;
        client_secret: string;
      };
      await tokenDealer.sync(true);
      return { clientId: created.client_id, clientSecret: created.client_secret };
    },
    userToken({ scopes, audience, sub = randomUUID(), clientId = 'runnerly-dashboard', lifetimeSeconds = 900 }) {
      return issueAccessToken(tokenDealer.keyRing.signingKey, {
        issuer: server.url,
        subject: sub,
        clientId,
        audience,
        scopes,
        lifetimeSeconds,
        now: Math.floor(Date.now() / 1000),
      }).token;
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
