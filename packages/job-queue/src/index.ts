export { createJobQueue } from './create-job-queue.js';
export { RetryLater } from './retry-later.js';
export { exponentialBackoff, type Backoff } from './backoff.js';
export { JOB_STATES } from './job.js';
export type { CloseOptions, Job, JobHandler, JobOptions, JobQueue, JobState, ListFilter, WorkOptions } from './job.js';
export type { AroundRun, CommonQueueOptions, DatabaseQueueOptions, JobQueueOptions, RedisQueueOptions } from './options.js';
export { migrateJobQueue, MIGRATION_LOCK_TABLE, MIGRATION_TABLE } from './database/migrate.js';
