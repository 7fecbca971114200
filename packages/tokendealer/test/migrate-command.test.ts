// `tokendealer migrate` and TOKENDEALER_MIGRATE_ON_START=false, with the bin spawned as a release job and the service run it.
import { fileURLToPath } from 'node:url';
import { describeMigrateCommand } from '@runnerly/database/testing';

describeMigrateCommand({
  bin: fileURLToPath(new URL('../../bin/tokendealer.js', import.meta.url)),
  name: 'tokendealer',
  envPrefix: 'TOKENDEALER',
  serveArgs: ['serve'],
  env: { TOKENDEALER_PORT: '0', TOKENDEALER_ADMIN_PORT: '0', TOKENDEALER_LOG_LEVEL: 'silent' },
  tables: ['clients', 'signing_keys'],
});
