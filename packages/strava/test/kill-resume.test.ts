import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '@runnerly/database/testing';
import { newRunner, startHarness, type Harness } from './helpers/strava-harness.js';
import { until } from './helpers/until.js';

const BIN = fileURLToPath(new URL('../../bin/runnerly-strava.js', import.meta.url));

/** The service as its own process, as operators run it; resolves once it prints its URL. */
async function spawnService(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN], { env: { PATH: process.env.PATH ?? '', ...env, STRAVA_PORT: '0', STRAVA_JOB_LEASE_MS: '1000' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const line = /^runnerly-strava listening on (http:\/\/\S+)\n/m.exec(output);
      if (line) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
  return { child, url };
}

describe('a service killed mid-import', () => {
  let harness: Harness;
  let child: ChildProcess | undefined;
  before(async () => {
    harness = await startHarness({ backend: sqliteBackend, seed: { athletes: 1, months: 36 }, realClock: true });
    await harness.stopService();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await harness.close();
  });

  it('resumes at the next page after kill -9, with no run lost or imported twice', async () => {
    const athlete = harness.sandbox.admin.athletes()[0]!.id;
    const expected = harness.sandbox.admin
      .activities(athlete)
      .filter((activity) => ['Run', 'TrailRun', 'VirtualRun'].includes(activity.sport_type))
      .map((activity) => String(activity.id))
      .sort();
    const pages = Math.ceil(harness.sandbox.admin.activities(athlete).length / 199);
    assert.ok(pages >= 4, `${pages} pages`);
    harness.data.delayMs = 300;
    const runner = newRunner();
    let running = await spawnService(harness.env);
    child = running.child;
    await harness.link(runner, athlete, { baseUrl: running.url });
    await until(() => harness.data.putSizes.length, (puts) => puts >= 2, 'two pages in');
    running.child.kill('SIGKILL');
    await once(running.child, 'exit');
    const before = harness.data.runs(runner).size;
    assert.ok(before > 0 && before < expected.length, `killed mid-import (${before} of ${expected.length})`);

    harness.data.delayMs = 0;
    running = await spawnService(harness.env);
    child = running.child;
    const url = running.url;
    const done = await until(() => harness.status(runner, url), (status) => status.state === 'idle', 'the import to finish after the restart', 30_000);
    assert.deepEqual([...harness.data.runs(runner).keys()].sort(), expected);
    assert.equal(done.imported, expected.length, 'each run counted once');
    // Pages are not fetched again for nothing: at most the pages in flight around the kill (the one
    // being sent, and one whose answer the kill may have cut off before its cursor was saved) go twice.
    assert.ok(harness.data.putSizes.length <= pages + 2, `${harness.data.putSizes.length} PUTs for ${pages} pages`);
    child.kill('SIGTERM');
    await once(child, 'exit');
    child = undefined;
  });
});
