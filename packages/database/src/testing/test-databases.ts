// The databases every storage-dependent test runs against: a fresh SQLite file, and a fresh
// PostgreSQL schema when TEST_POSTGRES_URL is set (CI sets it; a missing server then fails).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

export const sqliteBackend: TestBackend = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'runnerly-test-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

async function onServer(baseUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function postgresBackend(baseUrl: string): TestBackend {
  return {
    name: 'postgres',
    async create() {
      const schema = `rt_${randomBytes(6).toString('hex')}`;
      await onServer(baseUrl, `CREATE SCHEMA ${schema}`);
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return { url: url.toString(), drop: () => onServer(baseUrl, `DROP SCHEMA ${schema} CASCADE`) };
    },
  };
}

/** SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set. */
export const TEST_BACKENDS: TestBackend[] = process.env.TEST_POSTGRES_URL ? [sqliteBackend, postgresBackend(process.env.TEST_POSTGRES_URL)] : [sqliteBackend];
