// `runnerly-strava migrate`: the same migrations the service applies at start, its own tables and,
// when the jobs live in the database (no STRAVA_REDIS_URL), the job queue's.
import { openDatabase } from '@runnerly/database';
import { migrateJobQueue } from '@runnerly/job-queue';
import type { StravaServiceConfig } from '../config/options.js';
import { migrateStravaDatabase } from './migrations/index.js';

export async function migrateStravaStores(config: Pick<StravaServiceConfig, 'db' | 'redisUrl'>): Promise<void> {
  const database = openDatabase(config.db);
  try {
    await migrateStravaDatabase(database.db as never, database.kind);
    if (!config.redisUrl) await migrateJobQueue(database.db, database.kind);
  } finally {
    await database.close();
  }
}
