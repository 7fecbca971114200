import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, STRAVA_CLIENT_ID, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const QUARTER_MS = 15 * 60_000;

describe('importing within the rate limits', () => {
  let harness: Harness;
  let runners: string[];
  let athletes: number[];
  before(async () => {
    // Six reads per 15 minutes, a margin of two: four pages per window.
    harness = await startHarness({ backend: sqliteBackend, seed: { athletes: 2, months: 24 }, rateLimits: { overall: [1000, 10_000], read: [6, 1000] } });
    athletes = harness.sandbox.admin.athletes().map((athlete) => athlete.id);
    runners = [newRunner(), newRunner()];
  });
  after(() => harness.close());

  const readsThisWindow = () => harness.sandbox.admin.rateLimits().usage[STRAVA_CLIENT_ID]!.read[0];

  it('pauses before the limit, shares the window between runners, and resumes when the window resets', async () => {
    await harness.link(runners[0]!, athletes[0]!);
    await harness.link(runners[1]!, athletes[1]!);
    const windowEnd = new Date(Math.ceil(harness.clock.now() / QUARTER_MS) * QUARTER_MS).toISOString();
    const paused = await until(() => Promise.all(runners.map((runner) => harness.status(runner))), (all) => all.every((status) => status.state === 'paused'), 'both imports to pause');
    for (const status of paused) {
      assert.equal(status.paused_until, windowEnd);
      assert.ok((status.imported as number) > 0, 'each runner got pages in the first window');
    }
    assert.equal(readsThisWindow(), 4, 'stopped with the margin left, never a 429');

    let windows = 1;
    for (;;) {
      const statuses = await Promise.all(runners.map((runner) => harness.status(runner)));
      if (statuses.every((status) => status.state === 'idle')) break;
      assert.ok(statuses.every((status) => status.state === 'paused'), JSON.stringify(statuses));
      assert.ok(readsThisWindow() <= 4);
      harness.clock.set(Math.ceil((harness.clock.now() + 1) / QUARTER_MS) * QUARTER_MS);
      windows += 1;
      await until(
        () => Promise.all(runners.map((runner) => harness.status(runner))),
        (all) => all.every((status) => status.state === 'idle' || (status.state === 'paused' && Date.parse(status.paused_until as string) > harness.clock.now())),
        `window ${windows} to be spent`,
      );
    }
    for (const [index, runner] of runners.entries()) {
      const expected = harness.sandbox.admin.activities(athletes[index]!).filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type));
      assert.deepEqual([...harness.data.runs(runner).keys()].sort(), expected.map((activity) => String(activity.id)).sort());
      assert.equal((await harness.status(runner)).imported, expected.length);
    }
    const pages = runners.length * 5; // about 580 activities each: three pages, a boundary page and the empty last one at most
    assert.ok(windows <= Math.ceil(pages / 4) + 1, `${windows} windows`);
  });
});
