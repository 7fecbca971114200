export { defineOptions, resolveOptions, optionsTable, describeConfig, type Option, type OptionTable, type ConfigOf } from './options.js';
export * from './parsers.js';
export { readEnv } from './env-files.js';
export { stopDeadlineOption, stopDeadlineMs } from './stop-deadline.js';
export { schemaWaitOption, schemaWaitMs } from './schema-wait.js';
