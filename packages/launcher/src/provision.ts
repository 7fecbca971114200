// First start: the OAuth clients every service needs, registered once in TokenDealer (their
// secrets kept in the secrets file, never printed), and a demo runner. Idempotent: a client the
// secrets file knows and TokenDealer still has is left alone; a missing one is registered again.
import { randomBytes } from 'node:crypto';
import type { SecretsFile } from './secrets-file.js';
import type { TokenDealerCli } from './tokendealer-cli.js';

export interface ClientSpec {
  /** Key in the secrets file, e.g. "strava-service". */
  key: string;
  /** Arguments of `tokendealer clients create` after the name. */
  args: string[];
}

interface CreatedClient {
  client_id: string;
  client_secret?: string;
}

export async function ensureClients(cli: TokenDealerCli, secrets: SecretsFile, specs: readonly ClientSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const existing = new Set((await cli.json<{ client_id: string }[]>(['clients', 'list'])).map((client) => client.client_id));
  for (const spec of specs) {
    const known = secrets.secrets.clients[spec.key];
    if (known && existing.has(known.client_id)) continue;
    const created = await cli.json<CreatedClient>(['clients', 'create', '--name', `runnerly ${spec.key}`, ...spec.args]);
    secrets.update((all) => {
      all.clients[spec.key] = { client_id: created.client_id, ...(created.client_secret ? { client_secret: created.client_secret } : {}) };
    });
  }
}

export const DEMO_EMAIL = 'demo@example.com';

/** The demo runner: a confirmed account with a generated password, kept in the secrets file. */
export async function ensureDemoRunner(cli: TokenDealerCli, secrets: SecretsFile): Promise<{ email: string; password: string; userId: string }> {
  const users = await cli.json<{ id: string; email: string }[]>(['users', 'list']);
  const known = secrets.secrets.demo;
  if (known && users.some((user) => user.id === known.userId)) return known;
  const password = `demo-${randomBytes(9).toString('base64url')}`;
  const stale = users.find((user) => user.email === DEMO_EMAIL);
  if (stale) await cli.json(['users', 'delete', stale.id]).catch(() => undefined);
  const user = await cli.json<{ id: string }>(['users', 'create', '--email', DEMO_EMAIL, '--password', password, '--confirmed']);
  const demo = { email: DEMO_EMAIL, password, userId: user.id };
  secrets.update((all) => {
    all.demo = demo;
  });
  return demo;
}
