// STOP_DEADLINE_MS, the name every service uses for its SIGTERM deadline (default 10 s).
import { ConfigError } from '../config/errors.js';

export function stopDeadlineMs(env: NodeJS.ProcessEnv): number {
  const raw = env.STOP_DEADLINE_MS;
  if (raw === undefined || raw === '') return 10_000;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 100 && value <= 600_000)) throw new ConfigError('STOP_DEADLINE_MS', [`must be an integer between 100 and 600000, got "${raw}"`]);
  return value;
}
