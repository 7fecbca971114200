// runnerly-plans: configuration from the environment (see README), one URL line on stdout;
// `runnerly-plans migrate` only migrates the database.
import { serviceMain } from '@runnerly/http-service';
import { PLANS_OPTIONS } from './config.js';
import { startPlans } from './server.js';
import { migrateDatabase } from '@runnerly/database';
import { MIGRATIONS } from './storage/plan-store.js';

await serviceMain({ bin: 'runnerly-plans', service: 'plans', table: PLANS_OPTIONS, start: startPlans, migrate: (config) => migrateDatabase(config.db, MIGRATIONS) });
