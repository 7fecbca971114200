import { it } from 'node:test';
import { jobQueueSuite } from './helpers/job-queue-suite.js';
import { REDIS } from './helpers/stores.js';

if (REDIS) jobQueueSuite(REDIS);
else it('Redis suite skipped: TEST_REDIS_URL is not set', { skip: true }, () => {});
