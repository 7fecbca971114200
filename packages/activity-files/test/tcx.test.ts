import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { northwardTrack, tcx } from './support/fixtures.js';
import { assertNear, parseOne, runOf } from './support/outcomes.js';

describe('TCX', () => {
  const track = northwardTrack(11, 1000, 300, (i) => ({ ele: 200 + i * 5, hr: 150 + i, distance: i * 1000 }));

  it('takes distance, moving time, max speed and heart rate from the lap totals', async () => {
    const laps = [
      { totalSeconds: 1500, metres: 5000, maxSpeed: 4.1, averageHr: 150, maxHr: 165, points: track.slice(0, 6) },
      { totalSeconds: 1450, metres: 5000.4, maxSpeed: 3.9, averageHr: 160, maxHr: 172, points: track.slice(6) },
    ];
    const run = runOf(await parseOne('laps.tcx', tcx(laps, { notes: 'Tempo, felt good' })));
    assert.equal(run.sport_type, 'Run');
    assert.equal(run.name, 'Run on 2026-03-01');
    assert.equal(run.description, 'Tempo, felt good');
    assert.equal(run.start_date, '2026-03-01T07:12:00Z');
    assert.equal(run.distance, 10000.4);
    assert.equal(run.moving_time, 2950);
    assert.equal(run.elapsed_time, 3000); // from the lap start to the last track point
    assert.equal(run.max_speed, 4.1);
    assert.equal(run.average_heartrate, 154.9); // lap averages weighted by lap time: (150*1500 + 160*1450) / 2950
    assert.equal(run.max_heartrate, 172);
    assert.equal(run.average_speed, 3.39);
    assert.equal(run.total_elevation_gain, 50); // from the track: 10 rises of 5 m
    assert.equal(run.summary_polyline !== null, true);
  });

  it('computes totals from the track points when the laps give none', async () => {
    const text = tcx([{ totalSeconds: 0, metres: 0, points: track }])
      .replace('<TotalTimeSeconds>0</TotalTimeSeconds><DistanceMeters>0</DistanceMeters>', '');
    const run = runOf(await parseOne('points.tcx', text));
    assertNear(run.distance, 10000, 1, 'distance');
    assert.equal(run.moving_time, 3000);
    assert.equal(run.average_heartrate, 155);
    assert.equal(run.max_heartrate, 160);
  });

  it('skips an activity whose Sport is not Running', async () => {
    assert.deepEqual(await parseOne('bike.tcx', tcx([{ totalSeconds: 3000, metres: 30000, points: track }], { sport: 'Biking' })), {
      file: 'bike.tcx',
      status: 'skipped',
      reason: 'not a run (Biking)',
    });
  });

  it('fails a TCX without an Activity', async () => {
    const text = '<?xml version="1.0"?><TrainingCenterDatabase><Activities/></TrainingCenterDatabase>';
    assert.deepEqual(await parseOne('empty.tcx', text), { file: 'empty.tcx', status: 'failed', error: 'the TCX file holds no <Activity>' });
  });

  it('fails beyond the track point limit', async () => {
    assert.deepEqual(await parseOne('long.tcx', tcx([{ totalSeconds: 3000, metres: 10000, points: track }]), { maxTrackPoints: 10 }), {
      file: 'long.tcx',
      status: 'failed',
      error: 'more than 10 track points',
    });
  });
});
