// runnerly-dashboard: configuration from the environment (see README), one URL line on stdout;
// `runnerly-dashboard migrate` only migrates the database.
import { serviceMain } from '@runnerly/http-service';
import { DASHBOARD_OPTIONS } from './config.js';
import { startDashboard } from './server.js';
import { migrateDatabase } from '@runnerly/database';
import { MIGRATIONS } from './storage/session-store.js';

await serviceMain({ bin: 'runnerly-dashboard', service: 'dashboard', table: DASHBOARD_OPTIONS, start: (config, logger) => startDashboard(config, logger), migrate: (config) => migrateDatabase(config.db, MIGRATIONS) });
