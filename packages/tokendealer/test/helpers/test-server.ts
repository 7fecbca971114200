import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { resolveConfig, type TokenDealerConfig } from '../../src/config/options.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { ScryptParameters } from '../../src/accounts/password-hasher.js';
import type { TokenDealerOverrides } from '../../src/tokendealer.js';
import type { CreatedClient } from '../../src/clients/client-service.js';
import type { NewClient } from '../../src/clients/client-validation.js';
import type { Backend, TestDatabase } from './databases.js';
import { testKeyPairs } from './test-key-pairs.js';

/** scrypt at 16 MiB instead of 128: the suites hash many passwords; test/passwords.test.ts checks the real parameters. */
export const TEST_SCRYPT: ScryptParameters = { logN: 14, r: 8, p: 1 };

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** Where the server writes account mail. */
  outboxDir: string;
  createClient(input?: Partial<NewClient>): Promise<CreatedClient & { client_secret: string }>;
  /** Resolves once the account mail enqueued so far has been written to the outbox. */
  mailSettled(): Promise<void>;
  post(path: string, body: Record<string, string | string[]> | string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function form(body: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) for (const item of [value].flat()) params.append(name, item);
  return params.toString();
}

/**
 * The suites read the outbox as soon as a page has answered, so by default pages wait for the
 * mail they enqueued (settleMailBeforeReply); test/account-mail-requests.test.ts turns that off
 * to check the production behaviour, where they never wait.
 */
export async function startTestServer(
  backend: Backend,
  overrides: Partial<TokenDealerConfig> = {},
  serverOverrides: TokenDealerOverrides = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestServer> {
  const database = await backend.create();
  const outboxDir = mkdtempSync(join(tmpdir(), 'tokendealer-outbox-'));
  const config: TokenDealerConfig = { ...resolveConfig({}, {}), port: 0, db: database.url, logLevel: 'silent', outboxDir, ...overrides };
  const server = await startServer(config, logger, { scrypt: TEST_SCRYPT, settleMailBeforeReply: true, generateKeyPair: testKeyPairs, ...serverOverrides });
  return {
    ...server,
    database,
    outboxDir,
    async createClient(input = {}) {
      const created = await server.tokenDealer.clients.create({
        name: 'test client',
        grantTypes: ['client_credentials'],
        scopes: ['runs:read', 'runs:write'],
        audiences: ['runnerly.io', 'https://api.runnerly.io'],
        ...input,
      });
      await server.tokenDealer.sync();
      return created as CreatedClient & { client_secret: string };
    },
    mailSettled: () => server.tokenDealer.mailQueue.settled(),
    post(path, body, headers = {}) {
      return fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: typeof body === 'string' ? body : form(body),
      });
    },
    async stop() {
      await server.close();
      await database.drop();
      rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}

/** Decodes a JWT part without verifying (the tests verify with jose separately). */
export function decodePart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[part]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
