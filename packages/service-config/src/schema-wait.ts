// One name for every service's wait for its schema: with <SERVICE>_MIGRATE_ON_START=false, how
// long a starting service waits for the migrate job to bring its database to the latest version
// before it refuses (0: refuse at once). Keep it under the orchestrator's startup budget.
import { readEnv } from './env-files.js';
import { integer } from './parsers.js';
import type { Option } from './options.js';

export const schemaWaitOption: Option<number> = {
  env: 'SCHEMA_WAIT_MS',
  default: 0,
  parse: integer(0, 3_600_000),
  description: 'with MIGRATE_ON_START=false, most milliseconds to wait at start for the migrate job to bring the schema to the latest version (0: refuse at once)',
};

/** SCHEMA_WAIT_MS (or SCHEMA_WAIT_MS_FILE) from the environment, else 0. */
export function schemaWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = readEnv(env, schemaWaitOption.env);
  return raw === undefined ? schemaWaitOption.default : schemaWaitOption.parse(raw, schemaWaitOption.env);
}
