import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseActivitiesCsv } from '../src/activities-csv.js';
import { UploadRejected } from '../src/index.js';
import { ACTIVITIES_CSV_HEADER, activitiesCsvRow } from './support/fixtures.js';

describe('activities.csv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, after a BOM', () => {
    const text =
      '\ufeff' +
      [
        ACTIVITIES_CSV_HEADER,
        activitiesCsvRow({ id: '1', name: 'Hills, "hard"', type: 'Run', description: 'line one\nline two, still', filename: 'activities/1.gpx' }),
        activitiesCsvRow({ id: '2', name: 'Swim', type: 'Swim', filename: '' }),
      ].join('\r\n');
    assert.deepEqual(parseActivitiesCsv(text, 10), [
      { row: 1, activityId: '1', name: 'Hills, "hard"', type: 'Run', description: 'line one\nline two, still', fileName: 'activities/1.gpx' },
      { row: 2, activityId: '2', name: 'Swim', type: 'Swim', description: '', fileName: '' },
    ]);
  });

  it('uses the first of repeated column names (Strava repeats "Distance" and "Elapsed Time")', () => {
    const text = '"Activity ID","Activity Type","Filename","Filename"\n"1","Run","activities/1.gpx","other.gpx"\n';
    assert.equal(parseActivitiesCsv(text, 10)[0]!.fileName, 'activities/1.gpx');
  });

  it('accepts rows shorter than the header', () => {
    const text = '"Activity ID","Activity Type","Filename","Activity Name"\n"1","Run","a.gpx"\n';
    assert.deepEqual(parseActivitiesCsv(text, 10)[0], { row: 1, activityId: '1', name: '', type: 'Run', description: '', fileName: 'a.gpx' });
  });

  it('refuses CSV with an unterminated quoted field', () => {
    assert.throws(() => parseActivitiesCsv('"Activity ID","Activity Type","Filename"\n"1,"Run","a.gpx\n', 10), (error: unknown) => {
      assert.ok(error instanceof UploadRejected);
      assert.equal(error.code, 'bad_archive');
      assert.match(error.message, /^activities\.csv is not valid CSV: /);
      return true;
    });
  });

  it('refuses an empty activities.csv', () => {
    assert.throws(() => parseActivitiesCsv('', 10), { name: 'UploadRejected', message: 'activities.csv is empty' });
  });
});
