// `runnerly-reports migrate` and REPORTS_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/runnerly-reports.js', import.meta.url)),
  name: 'runnerly-reports',
  envPrefix: 'REPORTS',
  env: { REPORTS_PORT: '0', REPORTS_SERVICE_CLIENT_ID: 'reports', REPORTS_SERVICE_CLIENT_SECRET: 'reports-secret', REPORTS_LOG_LEVEL: 'silent' },
  tables: ['reports', 'deliveries'],
});
