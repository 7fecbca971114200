import { it } from 'node:test';
import { jobQueueSuite } from './helpers/job-queue-suite.js';
import { POSTGRES } from './helpers/stores.js';

if (POSTGRES) jobQueueSuite(POSTGRES);
else it('PostgreSQL suite skipped: TEST_POSTGRES_URL is not set', { skip: true }, () => {});
