// One name for every service's stop deadline: how long SIGTERM waits for in-flight requests and
// jobs to finish before the process exits anyway (keep it under the orchestrator's grace period).
import { readEnv } from './env-files.js';
import { integer } from './parsers.js';
import type { Option } from './options.js';

export const stopDeadlineOption: Option<number> = {
  env: 'STOP_DEADLINE_MS',
  default: 10_000,
  parse: integer(100, 600_000),
  description: 'on SIGTERM, most milliseconds to drain requests and jobs and close pools before exiting',
};

/** STOP_DEADLINE_MS (or STOP_DEADLINE_MS_FILE) from the environment, else the default. */
export function stopDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = readEnv(env, stopDeadlineOption.env);
  return raw === undefined ? stopDeadlineOption.default : stopDeadlineOption.parse(raw, stopDeadlineOption.env);
}
