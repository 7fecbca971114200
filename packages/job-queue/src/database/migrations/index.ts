import type { Migration, MigrationProvider } from 'kysely';
import { jobs } from './001-jobs.js';

// Versioned migrations, applied in name order. Never edit a released one: add the next.
const MIGRATIONS: Record<string, Migration> = {
  '001-jobs': jobs,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
