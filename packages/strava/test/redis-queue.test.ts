// The same import with the jobs on BullMQ (REDIS_URL) instead of the service's database.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const REDIS_URL = process.env.TEST_REDIS_URL;

describe('importing with the jobs on Redis', { skip: REDIS_URL === undefined ? 'TEST_REDIS_URL is not set' : false }, () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend, seed: { athletes: 2, months: 12 }, realClock: true, env: { REDIS_URL: REDIS_URL!, STRAVA_QUEUE_PREFIX: `strava-test-${randomBytes(6).toString('hex')}` } });
  });
  after(() => harness?.close());

  it('imports two runners fully, one page per turn', async () => {
    const athletes = harness.sandbox.admin.athletes().map((athlete) => athlete.id);
    const runners = [newRunner(), newRunner()];
    for (const [index, runner] of runners.entries()) await harness.link(runner, athletes[index]!);
    for (const [index, runner] of runners.entries()) {
      const status = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
      const expected = harness.sandbox.admin.activities(athletes[index]!).filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type));
      assert.equal(status.imported, expected.length);
      assert.equal(harness.data.runs(runner).size, expected.length);
    }
  });
});
