// Expand/contract (see the README of @runnerly/database): every migration of the Strava service keeps the
// release before it working, so a rolling deployment can migrate while old instances still serve.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpandContract, TEST_BACKENDS } from '@runnerly/database/testing';
import { STRAVA_MIGRATIONS } from '../src/storage/migrations/index.js';

for (const backend of TEST_BACKENDS) {
  describe(`the Strava service's migrations (${backend.name})`, () => {
    it('drop or narrow nothing the release before them uses, and its reads and writes work on the newest schema', async () => {
      const report = await checkExpandContract(backend, STRAVA_MIGRATIONS, { tableName: 'strava_migrations' });
      assert.deepEqual(report.contractions, []);
      assert.deepEqual(report.previousRelease, []);
    });
  });
}
