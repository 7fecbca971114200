import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUpload, type FileOutcome } from '../src/index.js';
import {
  ACTIVITIES_CSV_HEADER, activitiesCsvRow, fit, gpx, gzip, northwardTrack, renameEntry, tcx, utf8, zip,
} from './support/fixtures.js';
import { runOf } from './support/outcomes.js';
import { rejection } from './support/rejection.js';

const track = northwardTrack(11, 1000, 300, (i) => ({ hr: 140 + i, distance: i * 1000 }));
const gpxText = gpx(track, { name: 'Name in the file', type: 'running' });

function csv(rows: Parameters<typeof activitiesCsvRow>[0][]): string {
  return [ACTIVITIES_CSV_HEADER, ...rows.map(activitiesCsvRow)].join('\n') + '\n';
}

const statuses = (outcomes: FileOutcome[]) =>
  outcomes.map((o) => [o.file, o.status, o.status === 'parsed' ? o.run.name : o.status === 'skipped' ? o.reason : o.error]);

describe('Strava bulk export', () => {
  it('imports the runs activities.csv lists, with its name, description and type, and reports every other activity', async () => {
    const archive = await zip([
      {
        name: 'activities.csv',
        data: csv([
          { id: '101', name: 'Morning, "easy" run', type: 'Run', description: 'Legs fine,\nweather good', filename: 'activities/101.gpx' },
          { id: '102', name: 'Col de la Croix', type: 'Trail Run', filename: 'activities/102.fit.gz' },
          { id: '103', name: 'Commute', type: 'Ride', filename: 'activities/103.gpx' },
          { id: '104', name: 'Treadmill, no watch', type: 'Run', filename: '' },
          { id: '105', name: 'Intervals', type: 'Run', filename: 'activities/105.tcx.gz' },
          { id: '106', name: 'Lost file', type: 'Run', filename: 'activities/106.gpx' },
          { id: '107', name: 'Broken file', type: 'Run', filename: 'activities/107.gpx' },
        ]),
      },
      { name: 'activities/101.gpx', data: gpxText },
      { name: 'activities/102.fit.gz', data: gzip(fit(track)), compress: false },
      { name: 'activities/103.gpx', data: gpx(track, { type: 'cycling' }) },
      { name: 'activities/105.tcx.gz', data: gzip(tcx([{ totalSeconds: 2950, metres: 10000, points: track }])) },
      { name: 'activities/107.gpx', data: '<gpx><trk><trkseg><trkpt lat="45" lon="7">' },
      { name: 'activities/999.gpx', data: gpxText },
      { name: 'media/abc.jpg', data: new Uint8Array([0xff, 0xd8, 0xff]) },
      { name: 'profile.csv', data: 'Athlete ID\n1\n' },
    ]);
    const outcomes = await parseUpload('export_12345.zip', archive);
    assert.deepEqual(statuses(outcomes), [
      ['activities/101.gpx', 'parsed', 'Morning, "easy" run'],
      ['activities/102.fit.gz', 'parsed', 'Col de la Croix'],
      ['activities/103.gpx', 'skipped', 'not a run (Ride)'],
      ['activities.csv row 4 (activity 104)', 'skipped', 'no activity file (a manual activity)'],
      ['activities/105.tcx.gz', 'parsed', 'Intervals'],
      ['activities/106.gpx', 'failed', 'activities.csv names activities/106.gpx, which is not in the archive'],
      ['activities/107.gpx', 'failed', 'not well-formed XML: 1:42: unclosed tag: trkpt'],
      ['activities/999.gpx', 'skipped', 'not listed in activities.csv'],
    ]);
    const first = runOf(outcomes[0]!);
    assert.equal(first.description, 'Legs fine,\nweather good');
    assert.equal(first.sport_type, 'Run');
    assert.equal(first.distance, 10000);
    const trail = runOf(outcomes[1]!);
    assert.equal(trail.sport_type, 'TrailRun'); // the CSV's type wins over the FIT session's running/generic
    assert.equal(trail.file_name, 'activities/102.fit.gz');
    assert.equal(runOf(outcomes[4]!).moving_time, 2950);
  });

  it('finds an export that was zipped inside one folder', async () => {
    const archive = await zip([
      { name: 'export_1/activities.csv', data: csv([{ id: '1', name: 'Long run', type: 'Run', filename: 'activities/1.gpx' }]) },
      { name: 'export_1/activities/1.gpx', data: gpxText },
    ]);
    assert.deepEqual(statuses(await parseUpload('export.zip', archive)), [['export_1/activities/1.gpx', 'parsed', 'Long run']]);
  });

  it('parses every activity file of a ZIP without activities.csv, names from the files', async () => {
    const archive = await zip([
      { name: 'a.gpx', data: gpxText },
      { name: 'b/c.fit', data: fit(track) },
      { name: 'notes.txt', data: 'ignored' },
    ]);
    assert.deepEqual(statuses(await parseUpload('runs.zip', archive)), [
      ['a.gpx', 'parsed', 'Name in the file'],
      ['b/c.fit', 'parsed', 'Run on 2026-03-01'],
    ]);
  });

  it('refuses a ZIP with neither activities.csv nor an activity file', async () => {
    const error = await rejection(parseUpload('photos.zip', await zip([{ name: 'a.jpg', data: 'x' }])));
    assert.equal(error.code, 'no_activities');
    assert.equal(error.message, 'the archive has no activities.csv and no .gpx, .tcx or .fit file');
  });

  it('refuses an activities.csv without a Filename column', async () => {
    const archive = await zip([{ name: 'activities.csv', data: '"Activity ID","Activity Type"\n"1","Run"\n' }]);
    const error = await rejection(parseUpload('export.zip', archive));
    assert.equal(error.code, 'bad_archive');
    assert.equal(error.message, 'activities.csv has no "Filename" column');
  });
});

describe('hostile archives', () => {
  it('refuses a zip bomb by compression ratio, counting while inflating', async () => {
    const archive = await zip([{ name: 'activities/1.gpx', data: new Uint8Array(60 * 1024 * 1024) }]);
    assert.ok(archive.length < 100_000);
    const error = await rejection(parseUpload('bomb.zip', archive));
    assert.equal(error.code, 'compression_ratio');
    assert.match(error.message, /^activities\/1\.gpx decompresses to more than 100 times its compressed size \(\d+ bytes\): refused as a decompression bomb$/);
  });

  it('refuses a gzip bomb inside a ZIP', async () => {
    const archive = await zip([{ name: 'activities/1.fit.gz', data: gzip(new Uint8Array(30 * 1024 * 1024)), compress: false }]);
    assert.equal((await rejection(parseUpload('bomb.zip', archive))).code, 'compression_ratio');
  });

  it('refuses an archive whose entries decompress to more than the total limit', async () => {
    const archive = await zip([1, 2, 3, 4].map((i) => ({ name: `${i}.gpx`, data: gpxText.replace('creator="test"', `creator="${i}"`) })));
    const error = await rejection(parseUpload('many.zip', archive, { maxTotalUncompressedBytes: 3 * gpxText.length }));
    assert.equal(error.code, 'too_much_data');
    assert.equal(error.message, `the upload decompresses to more than ${3 * gpxText.length} bytes in all`);
  });

  it('fails an entry over maxEntryBytes and goes on with the others', async () => {
    const archive = await zip([
      { name: 'big.gpx', data: gpxText + ' '.repeat(1000) },
      { name: 'small.gpx', data: gpxText },
    ]);
    const outcomes = await parseUpload('two.zip', archive, { maxEntryBytes: gpxText.length + 10 });
    assert.deepEqual(statuses(outcomes), [
      ['big.gpx', 'failed', `big.gpx is larger than ${gpxText.length + 10} bytes uncompressed`],
      ['small.gpx', 'parsed', 'Name in the file'],
    ]);
  });

  it('refuses an archive with more entries than maxEntries', async () => {
    const archive = await zip(Array.from({ length: 4 }, (_, i) => ({ name: `${i}.gpx`, data: gpxText })));
    const error = await rejection(parseUpload('four.zip', archive, { maxEntries: 3 }));
    assert.equal(error.code, 'too_many_entries');
    assert.equal(error.message, 'the archive has 4 entries, more than the limit of 3');
  });

  for (const [name, problem] of [
    ['../x.gpx', 'a ".." path segment'],
    ['a/../../x', 'a ".." path segment'],
    ['/etc/x.gpx', 'an absolute path'],
    ['C:/win.gpx', 'an absolute path'],
    ['a\\..\\x.gpx', 'a backslash in a name'],
    ['a\0x.gpx', 'a NUL byte in a name'],
  ] as const) {
    it(`refuses an entry named ${JSON.stringify(name)} (${problem})`, async () => {
      const placeholder = 'q'.repeat(Buffer.byteLength(name));
      const archive = renameEntry(await zip([{ name: placeholder, data: gpxText }, { name: 'ok.gpx', data: gpxText }]), placeholder, name);
      const error = await rejection(parseUpload('evil.zip', archive));
      assert.equal(error.code, 'unsafe_entry_name');
      assert.equal(error.message, `the archive has an entry named ${JSON.stringify(name)}: ${problem}`);
    });
  }

  it('refuses a truncated archive', async () => {
    const archive = await zip([{ name: 'a.gpx', data: gpxText }, { name: 'b.gpx', data: gpxText }]);
    const error = await rejection(parseUpload('cut.zip', archive.slice(0, Math.floor(archive.length / 2))));
    assert.equal(error.code, 'bad_archive');
    assert.equal(error.message, 'not a readable ZIP archive: End of central directory record signature not found. Either not a zip file, or file is truncated.');
  });

  it('fails an entry with corrupt compressed data and parses the rest', async () => {
    const archive = await zip([{ name: 'a.gpx', data: gpxText }, { name: 'b.gpx', data: gpxText }]);
    // Damage the first entry's deflate stream (just after its 30-byte local header and 5-byte name).
    archive.fill(0xff, 35, 60);
    const outcomes = await parseUpload('damaged.zip', archive);
    assert.equal(outcomes[0]!.status, 'failed');
    assert.match((outcomes[0] as { error: string }).error, /^corrupt deflate data: /);
    assert.equal(outcomes[1]!.status, 'parsed');
  });

  it('fails an entry with an unsupported compression method or encryption, and parses the rest', async () => {
    const archive = await zip([
      { name: 'a.gpx', data: gpxText, compress: false },
      { name: 'b.gpx', data: gpxText, compress: false },
      { name: 'c.gpx', data: gpxText },
    ]);
    const bytes = Buffer.from(archive);
    const centralHeaders: number[] = [];
    for (let at = bytes.indexOf('PK\x01\x02', 0, 'latin1'); at !== -1; at = bytes.indexOf('PK\x01\x02', at + 1, 'latin1')) centralHeaders.push(at);
    const localB = bytes.readUInt32LE(centralHeaders[1]! + 42);
    bytes.writeUInt16LE(12, 8); // a.gpx: bzip2, in its local header...
    bytes.writeUInt16LE(12, centralHeaders[0]! + 10); // ...and its central directory record
    bytes.writeUInt16LE(bytes.readUInt16LE(localB + 6) | 1, localB + 6); // b.gpx: the "encrypted" flag
    bytes.writeUInt16LE(bytes.readUInt16LE(centralHeaders[1]! + 8) | 1, centralHeaders[1]! + 8);
    assert.deepEqual(statuses(await parseUpload('methods.zip', new Uint8Array(bytes))), [
      ['a.gpx', 'failed', 'ZIP compression method 12 is not supported (only stored and deflate)'],
      ['b.gpx', 'failed', 'encrypted ZIP entries are not supported'],
      ['c.gpx', 'parsed', 'Name in the file'],
    ]);
  });

  it('keeps concurrent uploads apart', async () => {
    const [one, two] = await Promise.all([
      parseUpload('one.zip', await zip([{ name: 'a.gpx', data: gpxText }, { name: 'b.fit', data: fit(track) }])),
      parseUpload('two.gpx', utf8(gpx(track, { name: 'Two' }))),
    ]);
    assert.deepEqual(statuses(one), [['a.gpx', 'parsed', 'Name in the file'], ['b.fit', 'parsed', 'Run on 2026-03-01']]);
    assert.deepEqual(statuses(two), [['two.gpx', 'parsed', 'Two']]);
  });

  it('refuses a CSV listing more activities than maxEntries', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: String(i), name: 'r', type: 'Run', filename: '' }));
    const error = await rejection(parseUpload('export.zip', await zip([{ name: 'activities.csv', data: csv(rows) }]), { maxEntries: 4 }));
    assert.equal(error.code, 'too_many_entries');
    assert.equal(error.message, 'activities.csv lists more than 4 activities');
  });

  it('never writes anything: entry names are only compared', async () => {
    // The library has no file system writes at all; this guards the API shape: outcomes carry names, never paths on disk.
    const outcomes = await parseUpload('a.zip', await zip([{ name: 'dir/a.gpx', data: utf8(gpxText) }]));
    assert.equal(outcomes[0]!.file, 'dir/a.gpx');
  });
});
