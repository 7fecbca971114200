// The real TokenDealer, as operators run it: its own bin, a fresh SQLite file in a temp dir,
// clients and users registered through the CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onBenchExit, startServerProcess, type ServerProcess } from './child-processes.js';
import { pinnedCommand, SERVER_CORE } from './cpu-pinning.js';
import { REPO_ROOT, TOKENDEALER_BIN } from './paths.js';

const run = promisify(execFile);

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenDealerSetup {
  databaseUrl: string;
  client: ClientCredentials;
}

/** Environment without TOKENDEALER_* variables: the operator's settings must not change what is measured. */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TOKENDEALER_')));
}

/** A temp directory removed when the bench exits, whatever happens. */
export function benchTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-bench-'));
  onBenchExit(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The database URL of a fresh SQLite file in `dir`. */
export const sqliteDatabaseUrl = (dir: string): string => `sqlite:${join(dir, 'tokendealer.sqlite')}`;

export async function setUpTokenDealer(dir: string, scope: string, audience: string): Promise<TokenDealerSetup> {
  const databaseUrl = sqliteDatabaseUrl(dir);
  const client = await createClient(databaseUrl, ['--name', 'bench', '--grant-types', 'client_credentials', '--scope', scope, '--audience', audience]);
  return { databaseUrl, client };
}

/** `tokendealer ARGS --db URL`, as an operator types it; returns the JSON it prints. */
async function tokenDealerCli(args: readonly string[], databaseUrl: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [TOKENDEALER_BIN, ...args, '--db', databaseUrl], { cwd: REPO_ROOT, env: cleanEnvironment(), timeout: 30_000 });
  return JSON.parse(stdout) as unknown;
}

/** `tokendealer clients create ARGS`: the new client's id and secret. */
export async function createClient(databaseUrl: string, args: readonly string[]): Promise<ClientCredentials> {
  const created = (await tokenDealerCli(['clients', 'create', ...args], databaseUrl)) as { client_id?: unknown; client_secret?: unknown };
  if (typeof created.client_id !== 'string' || typeof created.client_secret !== 'string') {
    throw new Error('tokendealer clients create did not print client_id and client_secret');
  }
  return { clientId: created.client_id, clientSecret: created.client_secret };
}

/** `tokendealer users create --confirmed`: an active account; returns its user id. */
export async function createConfirmedUser(databaseUrl: string, email: string, password: string): Promise<string> {
  const created = (await tokenDealerCli(['users', 'create', '--email', email, '--password', password, '--confirmed'], databaseUrl)) as { id?: unknown; status?: unknown };
  if (typeof created.id !== 'string' || created.status !== 'active') throw new Error('tokendealer users create did not print an active user with an id');
  return created.id;
}

/** `tokendealer serve` on the server core; `nodeArgs` go to node itself (e.g. `--cpu-prof`). */
export function startTokenDealer(databaseUrl: string, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [...nodeArgs, TOKENDEALER_BIN, 'serve', '--port', '0', '--db', databaseUrl, '--log-level', 'warn']);
  return startServerProcess({
    name: 'TokenDealer',
    command,
    args,
    cwd: REPO_ROOT,
    env: cleanEnvironment(),
    readyLine: /^TokenDealer listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 20_000,
  });
}
