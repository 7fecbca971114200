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

export interface Backend {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const sqlite: Backend = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'tokendealer-test-'));
    return { url: `sqlite:${join(dir, 'tokendealer.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

function postgres(baseUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const schema = `td_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return {
        url: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: baseUrl });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
}

export const BACKENDS: Backend[] = process.env.TEST_POSTGRES_URL ? [sqlite, postgres(process.env.TEST_POSTGRES_URL)] : [sqlite];
