// TokenDealer's database: opened and migrated through @runnerly/database with its own migrations.
import { migrateToLatest as migrate, openDatabase as open, type DatabaseHandle as Handle, type DatabaseKind, type SchemaCheckOptions, type SchemaWaitOptions } from '@runnerly/database';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';

export { ping, waitingForSchemaLine } from '@runnerly/database';
export type { DatabaseKind, SchemaCheckOptions, SchemaWaitOptions };
export type DatabaseHandle = Handle<Database>;

export function openDatabase(url: string): DatabaseHandle {
  return open<Database>(url);
}

export async function migrateToLatest(db: Kysely<Database>, kind: DatabaseKind, options: SchemaCheckOptions = {}): Promise<string[]> {
  return migrate(db, kind, migrationProvider, options);
}
