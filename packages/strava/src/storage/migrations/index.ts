import { migrateToLatest, staticMigrations, type DatabaseKind, type SchemaCheckOptions } from '@runnerly/database';
import type { Kysely } from 'kysely';
import { links001 } from './001-links.js';

export const STRAVA_MIGRATIONS = staticMigrations({ '001-links': links001 });

/** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
export function migrateStravaDatabase(db: Kysely<unknown>, kind: DatabaseKind, options: SchemaCheckOptions = {}): Promise<string[]> {
  return migrateToLatest(db, kind, STRAVA_MIGRATIONS, { tableName: 'strava_migrations', ...options });
}
