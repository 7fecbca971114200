// File imports through the real parser (@runnerly/activity-files): a GPX file and its .gz become
// one run, imported once; what is not an activity file is refused, naming it.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import { sharedTokenDealer, startHarness, type Harness } from './support/harness.js';

/** A 3 km run due north from 45N 7E, a point every 10 s and about 33 m, starting 2026-03-01T07:12:00Z. */
function gpxRun(): string {
  const start = Date.UTC(2026, 2, 1, 7, 12, 0);
  const points = Array.from({ length: 91 }, (_, i) => {
    const lat = 45 + (i * 33.3333) / 111_194.93;
    return `<trkpt lat="${lat.toFixed(7)}" lon="7"><ele>${200 + (i % 10)}</ele><time>${new Date(start + i * 10_000).toISOString()}</time></trkpt>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">' +
    `<trk><name>River loop</name><type>running</type><trkseg>${points.join('\n')}</trkseg></trk></gpx>\n`
  );
}

function upload(h: Harness, token: string, files: [string, Uint8Array | string][]): Promise<Response> {
  const form = new FormData();
  for (const [name, content] of files) form.append('file', new Blob([content]), name);
  return fetch(`${h.url}/api/data/users/me/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

for (const backend of TEST_BACKENDS) {
  describe(`file imports with @runnerly/activity-files (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer);
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it('imports a GPX run once: the same file again, even gzipped, is the same run', async () => {
      const token = h.userToken('gpx-runner');
      await h.call('PATCH', '/api/data/users/me', token, { timezone: 'Europe/Rome' });
      const first = await upload(h, token, [['river.gpx', gpxRun()]]);
      assert.equal(first.status, 200);
      const report = (await first.json()) as { files: { file: string; status: string; run_id: string }[] };
      assert.deepEqual(report.files.map((file) => [file.file, file.status]), [['river.gpx', 'imported']]);
      const run = (await h.call('GET', `/api/data/users/me/runs/${report.files[0]!.run_id}`, token)).body;
      assert.equal(run.name, 'River loop');
      assert.equal(run.source, 'file');
      assert.equal(run.strava_id, null);
      assert.equal(run.start_date, '2026-03-01T07:12:00Z');
      assert.equal(run.start_date_local, '2026-03-01T08:12:00');
      assert.equal(run.timezone, 'Europe/Rome');
      assert.equal(run.elapsed_time, 900);
      assert.ok(Math.abs(run.distance - 3000) < 15, `distance ${run.distance}`);
      const again = await upload(h, token, [['river.gpx.gz', gzipSync(gpxRun())]]);
      const repeated = (await again.json()) as { files: { status: string; run_id: string }[] };
      assert.deepEqual(repeated.files.map((file) => [file.status, file.run_id]), [['skipped', report.files[0]!.run_id]]);
      assert.equal((await h.call('GET', '/api/data/users/me/runs?year=2026&month=3', token)).body.runs.length, 1);
    });

    it('refuses a file that is no activity file, naming it, and imports nothing of the upload', async () => {
      const token = h.userToken('wrong-file-runner');
      const refused = await upload(h, token, [
        ['river.gpx', gpxRun()],
        ['notes.txt', 'just some text'],
      ]);
      assert.equal(refused.status, 400);
      const problem = (await refused.json()) as { field: string; detail: string; type: string };
      assert.equal(problem.field, 'file');
      assert.match(problem.detail, /^notes\.txt: /);
      assert.equal(problem.type, 'urn:runnerly:problem:upload-unsupported-type');
      assert.deepEqual((await h.call('GET', '/api/data/users/me/runs', token)).body.runs, []);
    });
  });
}
