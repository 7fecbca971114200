// The same checks for every database-backed bin: `migrate` creates the tables and is a no-op the
// second time; with <PREFIX>_MIGRATE_ON_START=false the service refuses an unmigrated database with
// exit 1 and one clear line, and serves once `migrate` has run; with SCHEMA_WAIT_MS too it waits
// for a `migrate` run beside it (a release job), then serves. Each bin is spawned as operators run it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { openDatabase } from '../open-database.js';
import { TEST_BACKENDS } from './test-databases.js';

export interface MigrateCommandCase {
  /** Path of the bin file. */
  bin: string;
  /** The name the bin prints its lines with. */
  name: string;
  /** Prefix of the service's variables: `<prefix>_DB`, `<prefix>_MIGRATE_ON_START`, `<prefix>_LOG_LEVEL`. */
  envPrefix: string;
  /** Arguments that start the service (TokenDealer's `serve`). */
  serveArgs?: string[];
  /** What else the service needs to start (ports 0, clients, keys). */
  env: Record<string, string>;
  /** Tables `migrate` must create (a subset of all). */
  tables: string[];
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A bin that should have exited but serves instead is stopped, and its exit code (null) fails the test.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(deadline);
    resolve({ code, stdout, stderr });
  }));
}

/** Starts the service, waits for its line with a URL, checks it answers, stops it with SIGTERM. */
async function serveOnce(bin: string, args: string[], env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const response = await fetch(`${url}/no-such-path-${Date.now()}`);
    await response.body?.cancel();
    assert.equal(response.status, 404);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Resolves with the first line `match` finds something in; rejects when the process exits first or after `ms`. */
function lineMatching<T>(lines: ReturnType<typeof createInterface>, child: ChildProcess, ms: number, match: (line: string) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no such line within ${ms} ms`)), ms);
    const onLine = (line: string) => {
      const found = match(line);
      if (found !== undefined) done(undefined, found);
    };
    const onExit = (code: number | null) => done(new Error(`exited with ${code}`));
    function done(error: Error | undefined, found?: T): void {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(found!);
    }
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

/** The pending migrations of a pino line saying the service waits for its schema, if it is one. */
function waitingLine(line: string): string[] | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; pending?: unknown };
    return typeof entry.msg === 'string' && entry.msg.startsWith('waiting for the database schema (migrate job): ') && Array.isArray(entry.pending) ? (entry.pending as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the service unmigrated with SCHEMA_WAIT_MS: it must say once that it waits and stay up
 * without listening; `migrate` then runs beside it, and the service must print its URL and be ready.
 */
async function waitsForMigrate(test: MigrateCommandCase, env: Record<string, string>): Promise<void> {
  const waiting = { ...env, [`${test.envPrefix}_MIGRATE_ON_START`]: 'false', [`${test.envPrefix}_LOG_LEVEL`]: 'info', SCHEMA_WAIT_MS: '20000' };
  const child = spawn(process.execPath, [test.bin, ...(test.serveArgs ?? [])], { env: { ...process.env, ...waiting }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stdout = createInterface({ input: child.stdout! });
  const stderr = createInterface({ input: child.stderr! });
  const printed: string[] = [];
  const waitingLines: string[][] = [];
  stdout.on('line', (line) => printed.push(line));
  stderr.on('line', (line) => {
    const pending = waitingLine(line);
    if (pending) waitingLines.push(pending);
  });
  try {
    const pending = await lineMatching(stderr, child, 10_000, waitingLine);
    assert.ok(pending.length > 0 && pending.every((name) => /^\d{3}-[a-z-]+$/.test(name)), pending.join(', '));
    // Checked again about every second meanwhile: still up, not listening, said only once.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(child.exitCode, null);
    assert.deepEqual(printed, []);

    const migrated = await run(test.bin, ['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    const url = printed.map((line) => /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]).find(Boolean) ?? (await lineMatching(stdout, child, 10_000, (line) => /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]));
    const ready = await fetch(`${url}/readyz`);
    await ready.body?.cancel();
    assert.equal(ready.status, 200);
    assert.equal(waitingLines.length, 1, `said it waits ${waitingLines.length} times`);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function schema(url: string): Promise<{ tables: string[]; migrations: number }> {
  const handle = openDatabase(url);
  try {
    const tables = (await handle.db.introspection.getTables()).map((table) => table.name).sort();
    let migrations = 0;
    for (const table of tables.filter((name) => name.endsWith('_migrations'))) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bookkeeping tables of any service
      const row = await (handle.db as any).selectFrom(table).select((eb: any) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
      migrations += Number(row.count);
    }
    return { tables, migrations };
  } finally {
    await handle.close();
  }
}

export function describeMigrateCommand(test: MigrateCommandCase): void {
  describe(`${test.name} migrate (failure)`, () => {
    it('exits 1 with one line when the database cannot be opened', async () => {
      const failed = await run(test.bin, ['migrate'], { ...test.env, [`${test.envPrefix}_DB`]: 'sqlite:/dev/null/db.sqlite' });
      assert.equal(failed.code, 1, failed.stderr);
      assert.equal(failed.stdout, '');
      assert.match(failed.stderr, new RegExp(`^${test.name}: migrate failed: .*\\n$`));
    });
    it('refuses a SCHEMA_WAIT_MS that is not a number of milliseconds with one line, before opening the database', async () => {
      const failed = await run(test.bin, test.serveArgs ?? [], { ...test.env, [`${test.envPrefix}_DB`]: 'sqlite:/dev/null/db.sqlite', [`${test.envPrefix}_MIGRATE_ON_START`]: 'false', SCHEMA_WAIT_MS: 'soon' });
      // 1 from the services' common start, 2 from TokenDealer's configuration errors.
      assert.equal(failed.code, test.name === 'tokendealer' ? 2 : 1, failed.stderr);
      assert.equal(failed.stdout, '');
      assert.equal(failed.stderr, `${test.name}: SCHEMA_WAIT_MS must be an integer, got "soon"\n`);
    });
  });
  for (const backend of TEST_BACKENDS) {
    describe(`${test.name} migrate (${backend.name})`, () => {
      it('refuses to start unmigrated with MIGRATE_ON_START=false, migrates once, then serves', async () => {
        const database = await backend.create();
        try {
          const env = { ...test.env, [`${test.envPrefix}_DB`]: database.url };
          const noMigrate = { ...env, [`${test.envPrefix}_MIGRATE_ON_START`]: 'false' };

          const refused = await run(test.bin, test.serveArgs ?? [], noMigrate);
          assert.equal(refused.code, 1, refused.stderr);
          assert.match(refused.stderr, new RegExp(`^${test.name}: the database schema is not at the latest version \\(\\d+ migrations? not applied: [^)]+\\): run the migrate command first\\n$`));
          assert.deepEqual((await schema(database.url)).tables, []);

          const first = await run(test.bin, ['migrate'], env);
          assert.equal(first.code, 0, first.stderr);
          assert.match(first.stdout, new RegExp(`^${test.name}: database migrated to the latest version \\(applied: \\d{3}-[a-z-]+(, \\d{3}-[a-z-]+)*\\)\n$`));
          const migrated = await schema(database.url);
          for (const table of test.tables) assert.ok(migrated.tables.includes(table), `${table} in ${migrated.tables.join(', ')}`);
          assert.ok(migrated.migrations > 0);

          const second = await run(test.bin, ['migrate'], env);
          assert.equal(second.code, 0, second.stderr);
          assert.equal(second.stdout, `${test.name}: database migrated to the latest version (nothing to apply)\n`);
          assert.deepEqual(await schema(database.url), migrated);

          await serveOnce(test.bin, test.serveArgs ?? [], noMigrate);
        } finally {
          await database.drop();
        }
      });

      it('with SCHEMA_WAIT_MS waits, not listening, for `migrate` run beside it, then serves and is ready', async () => {
        const database = await backend.create();
        try {
          await waitsForMigrate(test, { ...test.env, [`${test.envPrefix}_DB`]: database.url });
        } finally {
          await database.drop();
        }
      });
    });
  }
}
