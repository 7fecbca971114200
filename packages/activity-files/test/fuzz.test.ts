import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrcCalculator } from '@garmin/fitsdk';
import { parseUpload, UploadRejected, type FileOutcome } from '../src/index.js';
import { ACTIVITIES_CSV_HEADER, activitiesCsvRow, fit, gpx, gzip, northwardTrack, seededRandom, tcx, utf8, zip } from './support/fixtures.js';

const MUTATIONS_PER_FILE = 40;
const FIT_HEADER_BYTES = 14;

/** Flips, overwrites, deletes, inserts or truncates a few bytes. */
function mutate(bytes: Uint8Array, random: () => number, from = 0): Uint8Array {
  let out = Array.from(bytes);
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits && out.length > from + 1; e++) {
    const at = from + Math.floor(random() * (out.length - from));
    const kind = random();
    if (kind < 0.4) out[at] = out[at]! ^ (1 << Math.floor(random() * 8));
    else if (kind < 0.6) out[at] = Math.floor(random() * 256);
    else if (kind < 0.75) out.splice(at, 1 + Math.floor(random() * 16));
    else if (kind < 0.9) out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)));
    else out = out.slice(0, at);
  }
  return new Uint8Array(out);
}

/** Mutates a FIT file's records and rewrites its CRC, so the decoder itself meets the damage. */
function mutateFitKeepingCrc(bytes: Uint8Array, random: () => number): Uint8Array {
  const body = mutate(bytes.subarray(0, bytes.length - 2), random, FIT_HEADER_BYTES);
  const out = new Uint8Array(body.length + 2);
  out.set(body);
  new DataView(out.buffer).setUint32(4, body.length - FIT_HEADER_BYTES, true); // data size in the header
  new DataView(out.buffer).setUint16(12, CrcCalculator.calculateCRC(out, 0, 12), true);
  new DataView(out.buffer).setUint16(body.length, CrcCalculator.calculateCRC(out, 0, body.length), true);
  return out;
}

function assertCleanOutcome(outcome: FileOutcome): void {
  assert.equal(typeof outcome.file, 'string');
  if (outcome.status === 'parsed') {
    const run = outcome.run;
    for (const key of ['distance', 'moving_time', 'elapsed_time', 'total_elevation_gain', 'average_speed'] as const) {
      assert.ok(Number.isFinite(run[key]), `${key} is ${run[key]}`);
    }
    assert.match(run.start_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.match(run.external_id, /^sha256:[0-9a-f]{64}$/);
  } else if (outcome.status === 'skipped') {
    assert.ok(outcome.reason.length > 0);
  } else {
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.error.length > 0);
  }
}

describe('fuzz: mutated files', () => {
  const track = northwardTrack(60, 10, 3, (i) => ({ ele: 100 + (i % 7), hr: 130 + (i % 20), distance: i * 10 }));

  const cases: [string, () => Promise<Uint8Array>, (b: Uint8Array, r: () => number) => Uint8Array][] = [
    ['run.gpx', async () => utf8(gpx(track, { name: 'Fuzz', type: 'running' })), (b, r) => mutate(b, r)],
    ['run.tcx', async () => utf8(tcx([{ totalSeconds: 180, metres: 600, averageHr: 140, points: track }])), (b, r) => mutate(b, r)],
    ['run.fit', async () => fit(track), (b, r) => mutate(b, r)],
    ['crc-fixed.fit', async () => fit(track), mutateFitKeepingCrc],
    ['run.gpx.gz', async () => gzip(gpx(track)), (b, r) => mutate(b, r)],
    [
      'export.zip',
      () =>
        zip([
          { name: 'activities.csv', data: [ACTIVITIES_CSV_HEADER, activitiesCsvRow({ id: '1', name: 'A', type: 'Run', filename: 'activities/1.fit.gz' }), activitiesCsvRow({ id: '2', name: 'B', type: 'Run', filename: 'activities/2.gpx' })].join('\n') },
          { name: 'activities/1.fit.gz', data: gzip(fit(track)) },
          { name: 'activities/2.gpx', data: gpx(track) },
        ]),
      (b, r) => mutate(b, r),
    ],
  ];

  for (const [name, build, mutator] of cases) {
    it(`${name}: ${MUTATIONS_PER_FILE} mutations end in clean outcomes or UploadRejected`, async () => {
      const original = await build();
      const random = seededRandom(name.length * 7919);
      for (let i = 0; i < MUTATIONS_PER_FILE; i++) {
        const mutated = mutator(original, random);
        try {
          const outcomes = await parseUpload(name, mutated, { parseTimeoutMs: 5000 });
          outcomes.forEach(assertCleanOutcome);
        } catch (error) {
          assert.ok(error instanceof UploadRejected, `mutation ${i} threw ${String((error as Error)?.stack ?? error)}`);
          assert.ok(error.message.length > 0);
        }
      }
    });
  }
});
