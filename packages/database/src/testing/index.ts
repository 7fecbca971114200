export { TEST_BACKENDS, sqliteBackend, postgresBackend, type TestBackend, type TestDatabase } from './test-databases.js';
export { checkExpandContract, migrationSteps, previousReleaseRoundTrip, schemaShape, contractions, type ExpandContractReport, type MigrationStep, type SchemaShape, type ColumnShape } from './expand-contract.js';
export { describeMigrateCommand, type MigrateCommandCase } from './migrate-command-tests.js';
