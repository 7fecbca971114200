// `runnerly-strava migrate`: the same migrations the service applies at start, its own tables and,
// when the jobs live in the database (no STRAVA_REDIS_URL), the job queue's.
import { openDatabase } from '@runnerly/database';
import { migrateJobQueue } from '@runnerly/job-queue';
import type { StravaServiceConfig } from '../config/options.js';
import { migrateStravaDatabase } from './migrations/index.js';

/** Returns the names of the migrations it applied. */
export async function migrateStravaStores(config: Pick<StravaServiceConfig, 'db' | 'redisUrl'>): Promise<string[]> {
  const database = openDatabase(config.db);
  try {
    const applied = await migrateStravaDatabase(database.db as never, database.kind);
    return config.redisUrl ? applied : [...applied, ...(await migrateJobQueue(database.db, database.kind))];
  } finally {
    await database.close();
  }
}
