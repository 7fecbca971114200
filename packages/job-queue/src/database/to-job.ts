import type { Job } from '../job.js';
import type { StoredJob } from './job-store.js';

export function toJob<T>(row: StoredJob, now: number): Job<T> {
  return {
    id: row.id,
    type: row.type,
    key: row.key,
    payload: JSON.parse(row.payload) as T,
    attempts: row.attempts,
    state: row.state === 'waiting' && row.run_at > now ? 'delayed' : row.state,
    runAt: new Date(row.run_at),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
