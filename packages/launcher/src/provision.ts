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

interface RegisteredClient {
  client_id: string;
  scope?: string;
  audiences?: string[];
}

/** The values of every `flag` in `args`, a value with spaces split into words (as `--scope`). */
function flagValues(args: readonly string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag && index + 1 < args.length ? args[index + 1]!.split(' ').filter(Boolean) : []));
}

/** True when the registered client has every scope and audience the spec asks for. */
export function grantsSpec(client: RegisteredClient, spec: ClientSpec): boolean {
  const scopes = new Set((client.scope ?? '').split(' '));
  const audiences = new Set(client.audiences ?? []);
  return flagValues(spec.args, '--scope').every((scope) => scopes.has(scope)) && flagValues(spec.args, '--audience').every((audience) => audiences.has(audience));
}

export async function ensureClients(cli: TokenDealerCli, secrets: SecretsFile, specs: readonly ClientSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const existing = new Map((await cli.json<RegisteredClient[]>(['clients', 'list'])).map((client) => [client.client_id, client]));
  for (const spec of specs) {
    const known = secrets.secrets.clients[spec.key];
    const registered = known ? existing.get(known.client_id) : undefined;
    if (registered && grantsSpec(registered, spec)) continue;
    const created = await cli.json<CreatedClient>(['clients', 'create', '--name', `runnerly ${spec.key}`, ...spec.args]);
    secrets.update((all) => {
      all.clients[spec.key] = { client_id: created.client_id, ...(created.client_secret ? { client_secret: created.client_secret } : {}) };
    });
    // Only once its successor is kept: a crash in between leaves a spare client, never none.
    if (registered) await cli.json(['clients', 'delete', registered.client_id]);
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
