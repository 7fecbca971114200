import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const QUARTER_MS = 15 * 60_000;
const runIds = (harness: Harness, athleteId: number) =>
  harness.sandbox.admin
    .activities(athleteId)
    .filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type))
    .map((activity) => String(activity.id))
    .sort();

describe('an import survives what goes wrong', () => {
  let harness: Harness;
  let athletes: number[];
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend, seed: { athletes: 3, months: 12 } });
    athletes = harness.sandbox.admin.athletes().map((athlete) => athlete.id);
  });
  after(() => harness.close());

  it('pauses at a 429 it did not see coming and resumes when the window resets', async () => {
    harness.sandbox.admin.setRateLimits({ overall: [1000, 10_000], read: [0, 1000] });
    const runner = newRunner();
    await harness.link(runner, athletes[0]!);
    const windowEnd = Math.ceil(harness.clock.now() / QUARTER_MS) * QUARTER_MS;
    const paused = await until(() => harness.status(runner), (status) => status.state === 'paused', 'the import to pause');
    assert.equal(paused.paused_until, new Date(windowEnd).toISOString());
    assert.equal(paused.imported, 0);
    harness.sandbox.admin.setRateLimits(false);
    harness.clock.set(windowEnd);
    await until(() => harness.status(runner), (status) => status.state === 'idle', 'the import to finish');
    assert.deepEqual([...harness.data.runs(runner).keys()].sort(), runIds(harness, athletes[0]!));
  });

  it('retries a data service failure with backoff, shows it meanwhile, and loses nothing', async () => {
    harness.data.failNext(1);
    const runner = newRunner();
    await harness.link(runner, athletes[1]!);
    const failing = await until(() => harness.status(runner), (status) => status.last_error !== null, 'the failure to show');
    assert.equal(failing.state, 'importing');
    assert.match(failing.last_error as string, /data service answered 500/);
    harness.clock.advance(10 * 60_000); // past the first backoff
    const done = await until(() => harness.status(runner), (status) => status.state === 'idle', 'the import to finish');
    assert.equal(done.last_error, null);
    assert.deepEqual([...harness.data.runs(runner).keys()].sort(), runIds(harness, athletes[1]!));
    assert.equal(done.imported, runIds(harness, athletes[1]!).length);
  });

  it('shows a failed import with its last error once the attempts are spent', async () => {
    harness.data.failNext(1000);
    const runner = newRunner();
    await harness.link(runner, athletes[2]!);
    const failed = await until(
      async () => {
        // Past any backoff, but never under a running job (its lease would run out).
        const active = await harness.service.context.queue.list({ type: 'strava.history', state: ['active'] });
        if (active.length === 0) harness.clock.advance(2 * 3600_000);
        return harness.status(runner);
      },
      (status) => status.state === 'failed',
      'the import to fail',
    );
    assert.match(failed.last_error as string, /data service answered 500/);
    harness.data.failNext(0);
  });
});
