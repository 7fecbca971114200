// End to end with the real data service: the runs land where the runner reads them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

describe('importing into the real data service', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend, seed: { athletes: 1, months: 14 }, webhook: true, realDataService: true });
  });
  after(() => harness.close());

  const storedRuns = async (sub: string) => harness.realData!.storage.runs.listBetween(sub, 0, Date.parse('2100-01-01') / 1000, 100_000);

  it('imports the history, applies webhook changes and deletes the runs on unlink', async () => {
    const athlete = harness.sandbox.admin.athletes()[0]!.id;
    const runner = newRunner();
    await harness.link(runner, athlete);
    const status = await until(() => harness.status(runner), (value) => value.state === 'idle', 'the import to finish');
    const expected = harness.sandbox.admin.activities(athlete).filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type));
    const stored = await storedRuns(runner);
    assert.equal(stored.length, expected.length);
    assert.equal(status.imported, expected.length);
    const sample = stored.find((run) => run.strava_id === String(expected[0]!.id))!;
    assert.equal(sample.source, 'strava');
    assert.equal(sample.name, expected[0]!.name);
    assert.equal(sample.distance, expected[0]!.distance);

    const created = harness.sandbox.admin.createActivity(athlete, { name: 'Lunch run', sport_type: 'Run', start_date: new Date(harness.clock.now() - 600_000).toISOString(), description: 'Easy.' });
    await until(storedRuns.bind(null, runner), (runs) => runs.some((run) => run.strava_id === String(created.id)), 'the new run');
    harness.sandbox.admin.deleteActivity(created.id);
    await until(storedRuns.bind(null, runner), (runs) => !runs.some((run) => run.strava_id === String(created.id)), 'the deleted run to go');

    const response = await fetch(`${harness.url}/api/strava/users/me/link?delete_runs=true`, { method: 'DELETE', headers: { authorization: `Bearer ${harness.userToken(runner)}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { unlinked: true, strava_deauthorized: true, runs_deleted: expected.length });
    assert.equal((await storedRuns(runner)).length, 0);
  });
});
