import { jobQueueSuite } from './helpers/job-queue-suite.js';
import { SQLITE } from './helpers/stores.js';

jobQueueSuite(SQLITE);
