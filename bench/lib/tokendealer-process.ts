// The real TokenDealer, as operators run it: its own bin, a fresh SQLite file in a temp dir,
// one client registered through the CLI.
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

export async function setUpTokenDealer(dir: string, scope: string, audience: string): Promise<TokenDealerSetup> {
  const databaseUrl = `sqlite:${join(dir, 'tokendealer.sqlite')}`;
  const { stdout } = await run(
    process.execPath,
    [TOKENDEALER_BIN, 'clients', 'create', '--name', 'bench', '--grant-types', 'client_credentials', '--scope', scope, '--audience', audience, '--db', databaseUrl],
    { cwd: REPO_ROOT, env: cleanEnvironment(), timeout: 30_000 },
  );
  const created = JSON.parse(stdout) as { client_id?: unknown; client_secret?: unknown };
  if (typeof created.client_id !== 'string' || typeof created.client_secret !== 'string') {
    throw new Error('tokendealer clients create did not print client_id and client_secret');
  }
  return { databaseUrl, client: { clientId: created.client_id, clientSecret: created.client_secret } };
}

export function startTokenDealer(databaseUrl: string): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [TOKENDEALER_BIN, 'serve', '--port', '0', '--db', databaseUrl, '--log-level', 'warn']);
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
