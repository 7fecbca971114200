// `runnerly-dashboard migrate` and DASHBOARD_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/runnerly-dashboard.js', import.meta.url)),
  name: 'runnerly-dashboard',
  envPrefix: 'DASHBOARD',
  env: { DASHBOARD_PORT: '0', DASHBOARD_CLIENT_ID: 'dashboard', DASHBOARD_CLIENT_SECRET: 'dashboard-secret', DASHBOARD_SESSION_KEY: Buffer.alloc(32, 7).toString('base64'), DASHBOARD_LOG_LEVEL: 'silent' },
  tables: ['sessions'],
});
