import { DatabaseJobQueue } from './database/database-job-queue.js';
import type { JobQueue } from './job.js';
import type { JobQueueOptions } from './options.js';
import { RedisJobQueue } from './redis/redis-job-queue.js';

/** A queue on the host service's database (the default) or on Redis; call start() before it runs jobs. */
export function createJobQueue(options: JobQueueOptions): JobQueue {
  switch (options.backend) {
    case 'database':
      return new DatabaseJobQueue(options);
    case 'redis':
      return new RedisJobQueue(options);
    default:
      throw new TypeError(`unknown job queue backend: ${String((options as { backend?: unknown }).backend)}`);
  }
}
