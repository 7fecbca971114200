// The queue's own table in the host service's database (times in epoch milliseconds).

/** Stored states: "delayed" is a waiting job not yet due, told apart when read. */
export type StoredState = 'waiting' | 'active' | 'completed' | 'failed';

export interface JobRow {
  id: string;
  type: string;
  key: string | null;
  payload: string;
  state: StoredState;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: number;
  /** While active: until when the worker holding the job is trusted to be alive. */
  lease_until: number | null;
  /** Counts the times the job was taken, naming each take: a worker that lost its lease cannot touch a newer one. */
  claims: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface QueueDatabase {
  job_queue_jobs: JobRow;
}

export const JOBS_TABLE = 'job_queue_jobs';
