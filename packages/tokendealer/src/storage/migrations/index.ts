import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { oneActiveKey } from './002-one-active-key.js';
import { accounts } from './003-accounts.js';
import { authorizationCodeGrant } from './004-authorization-code-grant.js';
import { authorizationEndpoint } from './005-authorization-endpoint.js';

// Versioned migrations, applied in name order. Never edit a released one: add the next.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-one-active-key': oneActiveKey,
  '003-accounts': accounts,
  '004-authorization-code-grant': authorizationCodeGrant,
  '005-authorization-endpoint': authorizationEndpoint,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
