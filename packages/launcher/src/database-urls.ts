// Each service gets its own database: a SQLite file under the data folder, or with DATABASE_URL
// its own schema in that PostgreSQL database (created here when missing).
import { join, resolve } from 'node:path';
import pg from 'pg';

export async function databaseUrlFor(service: string, dataDir: string, databaseUrl: string | undefined, prefix = 'runnerly'): Promise<string> {
  if (databaseUrl === undefined) return `sqlite:${join(resolve(dataDir), `${service}.sqlite`)}`;
  const schema = `${prefix}_${service.replace(/[^a-z0-9]/g, '_')}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
