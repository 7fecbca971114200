export { startDataService, type RunningDataService, type StartOptions } from './server.js';
export { buildDataServiceApp, type DataServiceAppOptions } from './app.js';
export { dataServiceOptions, resolveDataServiceConfig, type DataServiceConfig } from './config/options.js';
export { openStorage, type DataServiceStorage } from './storage/open-storage.js';
export type { FileOutcome, ParsedRun, UploadParser } from './imports/upload-parser.js';
export { PublicScope, InternalScope } from './scopes.js';
