// npm start's system on PostgreSQL and Redis, used by a new runner in Chromium (see helpers/system-journey.ts).
import { it } from 'node:test';
import { describeJourney, postgresAndRedis } from './helpers/system-journey.js';

const variant = postgresAndRedis();
if (variant) describeJourney(variant);
else it('runs on PostgreSQL and Redis', { skip: 'TEST_POSTGRES_URL and TEST_REDIS_URL are not both set' }, () => {});
