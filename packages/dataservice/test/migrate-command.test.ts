// `runnerly-dataservice migrate` and DATASERVICE_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/runnerly-dataservice.js', import.meta.url)),
  name: 'runnerly-dataservice',
  envPrefix: 'DATASERVICE',
  env: { DATASERVICE_PORT: '0', DATASERVICE_LOG_LEVEL: 'silent' },
  tables: ['runs', 'races'],
});
