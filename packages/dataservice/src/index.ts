export { startDataService, type RunningDataService, type StartOptions } from './server.js';
export { buildDataServiceApp, type DataServiceAppOptions } from './app.js';
export { dataServiceOptions, resolveDataServiceConfig, type DataServiceConfig } from './config/options.js';
export { openStorage, type DataServiceStorage } from './storage/open-storage.js';
export type { FileOutcome, ParsedRun, UploadParser } from './imports/upload-parser.js';
export { PublicScope, InternalScope } from './scopes.js';
/** The month query and the run schemas, for a bare server serving the same query (the benchmark). */
export { monthOfRuns } from './runs/run-queries.js';
export { RunListSchema, RunSchema, type Run } from './schemas/run-schemas.js';
export type { ImportedRunValues } from './storage/run-store.js';
