// runnerly-dataservice: configuration from the environment (see README), one URL line on stdout,
// a graceful stop on SIGTERM. `migrate` only migrates the database. `--print-options` prints the configuration table instead.
import { serviceMain } from '@runnerly/http-service';
import { optionsTable } from '@runnerly/service-config';
import { dataServiceOptions } from '../config/options.js';
import { startDataService } from '../server.js';
import { migrateDatabase } from '@runnerly/database';
import { dataServiceMigrations, MIGRATION_TABLE } from '../storage/migrations/index.js';

if (process.argv.includes('--print-options')) {
  process.stdout.write(`${optionsTable(dataServiceOptions)}\n`);
} else {
  await serviceMain({ bin: 'runnerly-dataservice', service: 'dataservice', table: dataServiceOptions, start: (config, logger) => startDataService(config, logger), migrate: (config) => migrateDatabase(config.db, dataServiceMigrations, { tableName: MIGRATION_TABLE }) });
}
