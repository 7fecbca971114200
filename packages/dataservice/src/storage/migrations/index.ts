// Every migration of the data service, by versioned name: applied in name order, never edited once shipped.
import { staticMigrations } from '@runnerly/database';
import { initial } from './001-initial.js';

export const dataServiceMigrations = staticMigrations({
  '001-initial': initial,
});

/** The data service's own bookkeeping table. */
export const MIGRATION_TABLE = 'dataservice_migrations';
