// A PostgreSQL server of the test's own (initdb in a temporary folder, a free loopback port, its
// socket in that folder), so that it can be stopped and started under load without touching the
// machine's shared server. The binaries are found with `pg_config --bindir` (or PG_BIN_DIR).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '@runnerly/test-support';
import { onExit } from './cleanup-on-exit.js';
import { asServerUser, giveToServerUser } from './os-user.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  /** A URL whose connections use `schema` (created when missing). */
  schemaUrl(schema: string): Promise<string>;
  /** pg_ctl stop -m fast: sessions are ended, the server shuts down cleanly. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

function binDir(): string {
  return process.env.PG_BIN_DIR ?? execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-fault-pg-'));
  giveToServerUser(dir);
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = async (args: string[]): Promise<void> => {
    const [command, full] = asServerUser(join(bin, 'pg_ctl'), args);
    await run(command, full, { timeout: 60_000 });
  };
  const [initCommand, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  await run(initCommand, initArgs, { timeout: 120_000 });
  // fsync off: the tests restart the server cleanly, they never pull its power.
  const options = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`;
  const start = (): Promise<void> => pgCtl(['start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
  await start();
  // Should the test process end early: stop the server at once and leave no folder behind.
  const forget = onExit(() => {
    const [command, full] = asServerUser(join(bin, 'pg_ctl'), ['stop', '-w', '-m', 'immediate', '-D', data]);
    execFileSync(command, full, { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    url,
    port,
    async schemaUrl(schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await client.end();
      }
      const withSchema = new URL(url);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      return withSchema.toString();
    },
    async stop() {
      await pgCtl(['stop', '-w', '-m', 'fast', '-D', data]);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async close() {
      forget();
      if (running) await pgCtl(['stop', '-w', '-m', 'immediate', '-D', data]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
