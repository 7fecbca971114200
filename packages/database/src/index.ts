export { openDatabase, isDatabaseUrl, ping, withStatementCache, STATEMENT_CACHE_SIZE, type DatabaseHandle, type DatabaseKind, type OpenDatabaseOptions } from './open-database.js';
export { appliedNames, assertMigrated, migrateDatabase, migratedLine, migrateToLatest, openMigratedDatabase, SchemaNotCurrentError, staticMigrations, waitingForSchemaLine, type MigrateOptions, type SchemaCheckOptions, type SchemaWaitOptions } from './migrate.js';
export { isDatabaseUnavailable } from './unavailable.js';
export { deleteBatch } from './delete-batch.js';
export { ScopedPostgresDialect, ScopedPostgresIntrospector } from './scoped-postgres-introspector.js';
