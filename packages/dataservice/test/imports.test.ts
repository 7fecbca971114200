// File imports: multipart `file` parts parsed by the upload parser (here one that answers like
// @runnerly/activity-files from the bytes it is given), runs written once, refused uploads named.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_BACKENDS, type TestTokenDealer } from '@runnerly/test-support';
import type { FileOutcome, UploadParser } from '../src/index.js';
import { sharedTokenDealer, startHarness, type Harness } from './support/harness.js';

class UploadRejected extends Error {
  override readonly name = 'UploadRejected';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Each line of a file "start_date distance" is one run; "skip" and "fail" lines give those outcomes; "reject" refuses the upload. */
const lineParser: UploadParser = async (fileName, data) => {
  const text = Buffer.from(data).toString('utf8');
  if (text.startsWith('reject')) throw new UploadRejected('bad_archive', `${fileName} is not a readable archive`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line, index): FileOutcome => {
      const file = `${fileName}#${index}`;
      if (line === 'skip') return { file, status: 'skipped', reason: 'not a run' };
      if (line === 'fail') return { file, status: 'failed', error: 'unreadable track' };
      const [start, distance] = line.split(' ');
      return {
        file,
        status: 'parsed',
        run: {
          external_id: `sha256:${createHash('sha256').update(line).digest('hex')}`,
          file_name: file,
          name: 'Morning Run',
          description: null,
          sport_type: 'Run',
          start_date: start!,
          start_date_local: null,
          timezone: null,
          distance: Number(distance),
          moving_time: 1800,
          elapsed_time: 1900,
          total_elevation_gain: 12,
          average_speed: Number(distance) / 1800,
          max_speed: null,
          average_heartrate: null,
          max_heartrate: null,
          summary_polyline: null,
        },
      };
    });
};

function upload(h: Harness, token: string, files: [string, string][], sub = 'me'): Promise<Response> {
  const form = new FormData();
  for (const [name, content] of files) form.append('file', new Blob([content]), name);
  return fetch(`${h.url}/api/data/users/${sub}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
}

for (const backend of TEST_BACKENDS) {
  describe(`file imports (${backend.name})`, () => {
    let tokenDealer: TestTokenDealer;
    let h: Harness;

    before(async () => {
      tokenDealer = await sharedTokenDealer();
      h = await startHarness(backend, tokenDealer, { parseUpload: lineParser, env: { DATASERVICE_UPLOAD_FILE_LIMIT: '2048', DATASERVICE_UPLOAD_FILES: '3' } });
    });
    after(async () => {
      await h.stop();
      await tokenDealer.stop();
    });

    it('imports the runs of every file, reports each file, and never duplicates a run imported again', async () => {
      const token = h.userToken('uploader');
      await h.call('PATCH', '/api/data/users/me', token, { timezone: 'Europe/Berlin' });
      const first = await upload(h, token, [
        ['a.gpx', '2026-03-01T07:00:00Z 5000\nskip'],
        ['b.zip', '2026-03-02T07:00:00Z 8000\nfail'],
      ]);
      assert.equal(first.status, 200);
      const report = (await first.json()) as { files: { file: string; status: string; run_id?: string; reason?: string; error?: string }[] };
      assert.deepEqual(report.files.map((file) => [file.file, file.status]), [
        ['a.gpx#0', 'imported'],
        ['a.gpx#1', 'skipped'],
        ['b.zip#0', 'imported'],
        ['b.zip#1', 'failed'],
      ]);
      assert.equal(report.files[1]!.reason, 'not a run');
      assert.equal(report.files[3]!.error, 'unreadable track');
      const runs = (await h.call('GET', '/api/data/users/me/runs?year=2026&month=3', token)).body.runs;
      assert.deepEqual(runs.map((run: { id: string; source: string; timezone: string; start_date_local: string }) => [run.id, run.source, run.timezone, run.start_date_local]), [
        [report.files[0]!.run_id, 'file', 'Europe/Berlin', '2026-03-01T08:00:00'],
        [report.files[2]!.run_id, 'file', 'Europe/Berlin', '2026-03-02T08:00:00'],
      ]);
      const again = await upload(h, token, [['a-copy.gpx', '2026-03-01T07:00:00Z 5000']]);
      const repeated = (await again.json()) as { files: { status: string; run_id: string; reason: string }[] };
      assert.deepEqual(repeated.files, [{ file: 'a-copy.gpx#0', status: 'skipped', run_id: report.files[0]!.run_id, reason: 'already imported, unchanged' }]);
      assert.equal((await h.call('GET', '/api/data/users/me/runs?year=2026&month=3', token)).body.runs.length, 2);
    });

    it('refuses a hostile or oversized upload as a whole, naming the file, and imports nothing of it', async () => {
      const token = h.userToken('refused-uploader');
      const rejected = await upload(h, token, [
        ['good.gpx', '2026-03-05T07:00:00Z 5000'],
        ['evil.zip', 'reject'],
      ]);
      assert.equal(rejected.status, 400);
      const problem = (await rejected.json()) as { field: string; detail: string; type: string };
      assert.equal(problem.field, 'file');
      assert.match(problem.detail, /^evil\.zip: /);
      assert.equal(problem.type, 'urn:runnerly:problem:upload-bad-archive');
      const large = await upload(h, token, [['huge.fit', 'x'.repeat(4096)]]);
      assert.equal(large.status, 413);
      assert.match(((await large.json()) as { detail: string }).detail, /^huge\.fit: /);
      const many = await upload(h, token, [['1', ''], ['2', ''], ['3', ''], ['4', '']]);
      assert.equal(many.status, 413);
      assert.deepEqual((await h.call('GET', '/api/data/users/me/runs?year=2026&month=3', token)).body.runs, []);
    });

    it('asks for multipart file parts, runs:write, and the runner\'s own path', async () => {
      const token = h.userToken('json-uploader');
      const json = await h.call('POST', '/api/data/users/me/imports', token, { file: 'x' });
      assert.equal(json.status, 415);
      const empty = await fetch(`${h.url}/api/data/users/me/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new FormData() });
      assert.equal(empty.status, 400);
      assert.equal((await upload(h, h.userToken('reader', ['runs:read']), [['a.gpx', '2026-03-01T07:00:00Z 1']])).status, 403);
      assert.equal((await upload(h, token, [['a.gpx', '2026-03-01T07:00:00Z 1']], 'someone-else')).status, 404);
    });
  });
}
