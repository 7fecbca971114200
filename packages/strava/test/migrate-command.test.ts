// `runnerly-strava migrate` and STRAVA_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/runnerly-strava.js', import.meta.url)),
  name: 'runnerly-strava',
  envPrefix: 'STRAVA',
  env: { STRAVA_PORT: '0', STRAVA_CLIENT_ID: 'strava', STRAVA_CLIENT_SECRET: 'strava-secret', STRAVA_SERVICE_CLIENT_ID: 'strava-service', STRAVA_SERVICE_CLIENT_SECRET: 'strava-service-secret', STRAVA_TOKEN_KEY: Buffer.alloc(32, 9).toString('base64'), STRAVA_LOG_LEVEL: 'silent', REDIS_URL: '' },
  tables: ['strava_links', 'job_queue_jobs'],
});
