import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { oneActiveKey } from './002-one-active-key.js';

// Versioned migrations, applied in name order. Never edit a released one: add the next.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-one-active-key': oneActiveKey,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
