// Without a webhook, new activities are found by the periodic sweep.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

describe('sweeping when no webhook is configured', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend });
  });
  after(() => harness.close());

  it('imports the activities started after the newest seen, runs only', async () => {
    const athlete = harness.sandbox.admin.athletes()[0]!.id;
    const runner = newRunner();
    await harness.link(runner, athlete);
    const linked = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
    const now = harness.clock.now();
    const run = harness.sandbox.admin.createActivity(athlete, { sport_type: 'Run', start_date: new Date(now - 3_600_000).toISOString() });
    const ride = harness.sandbox.admin.createActivity(athlete, { sport_type: 'Ride', start_date: new Date(now - 1_800_000).toISOString() });
    await harness.service.sweepAll();
    await until(() => harness.data.runs(runner).has(String(run.id)), (present) => present, 'the swept run');
    assert.equal(harness.data.runs(runner).has(String(ride.id)), false);
    const status = await until(() => harness.status(runner), (value) => value.imported === (linked.imported as number) + 1, 'the count to follow');
    assert.equal(status.state, 'idle');
  });
});
