// `runnerly-plans migrate` and PLANS_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/runnerly-plans.js', import.meta.url)),
  name: 'runnerly-plans',
  envPrefix: 'PLANS',
  env: { PLANS_PORT: '0', PLANS_LOG_LEVEL: 'silent' },
  tables: ['plans'],
});
