import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fit, northwardTrack } from './support/fixtures.js';
import { assertNear, parseOne, runOf } from './support/outcomes.js';

describe('FIT', () => {
  const track = northwardTrack(11, 1000, 300, (i) => ({ ele: 100 + i, hr: 140 + i, distance: i * 1000 }));

  it('takes the totals from the session message and the local time from the activity message', async () => {
    const session = {
      subSport: 'trail',
      totalElapsedTime: 3000,
      totalTimerTime: 2900,
      totalDistance: 10000,
      totalAscent: 42,
      avgHeartRate: 146,
      maxHeartRate: 151,
      enhancedMaxSpeed: 3.5,
    };
    const run = runOf(await parseOne('trail.fit', fit(track, { session, utcOffsetSeconds: 3600 })));
    assert.equal(run.sport_type, 'TrailRun');
    assert.equal(run.name, 'Trail Run on 2026-03-01');
    assert.equal(run.start_date, '2026-03-01T07:12:00Z');
    assert.equal(run.start_date_local, '2026-03-01T08:12:00');
    assert.equal(run.timezone, null); // an offset is not a zone
    assert.equal(run.distance, 10000);
    assert.equal(run.moving_time, 2900);
    assert.equal(run.elapsed_time, 3000);
    assert.equal(run.total_elevation_gain, 42);
    assert.equal(run.average_heartrate, 146);
    assert.equal(run.max_heartrate, 151);
    assert.equal(run.max_speed, 3.5);
    assert.equal(run.average_speed, 3.448);
  });

  it('computes the totals from the records when there is no session', async () => {
    const run = runOf(await parseOne('records.fit', fit(track, { session: null })));
    assert.equal(run.sport_type, 'Run');
    assertNear(run.distance, 10000, 1, 'distance');
    assert.equal(run.moving_time, 3000);
    assert.equal(run.elapsed_time, 3000);
    assert.equal(run.average_heartrate, 145);
    assert.equal(run.max_heartrate, 150);
    assert.equal(run.total_elevation_gain, 10);
    assert.equal(run.start_date_local, null);
  });

  it('maps treadmill running to VirtualRun', async () => {
    const run = runOf(await parseOne('treadmill.fit', fit(track, { session: { subSport: 'treadmill' } })));
    assert.equal(run.sport_type, 'VirtualRun');
  });

  it('skips a session that is not running', async () => {
    assert.deepEqual(await parseOne('ride.fit', fit(track, { session: { sport: 'cycling' } })), {
      file: 'ride.fit',
      status: 'skipped',
      reason: 'not a run (cycling)',
    });
  });

  it('skips a FIT file that is not an activity', async () => {
    assert.deepEqual(await parseOne('course.fit', fit(track, { fileType: 'course' })), {
      file: 'course.fit',
      status: 'skipped',
      reason: 'not an activity file (FIT course file)',
    });
  });

  it('fails a FIT file whose bytes were altered (CRC mismatch)', async () => {
    const bytes = fit(track);
    bytes[100] = bytes[100]! ^ 0xff;
    assert.deepEqual(await parseOne('altered.fit', bytes), {
      file: 'altered.fit',
      status: 'failed',
      error: 'the FIT file is damaged: its size or CRC does not match its header',
    });
  });

  it('fails a truncated FIT file', async () => {
    assert.deepEqual(await parseOne('cut.fit', fit(track).slice(0, 200)), {
      file: 'cut.fit',
      status: 'failed',
      error: 'the FIT file is damaged: its size or CRC does not match its header',
    });
  });

  it('fails beyond the track point limit', async () => {
    assert.deepEqual(await parseOne('long.fit', fit(track), { maxTrackPoints: 10 }), {
      file: 'long.fit',
      status: 'failed',
      error: 'more than 10 track points',
    });
  });
});
