import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyPoint, type TrackPoint } from '../src/activity.js';
import { elevationGain, summarizeTrack } from '../src/track-summary.js';
import { METRES_PER_DEGREE } from './support/fixtures.js';

const point = (fields: Partial<TrackPoint>): TrackPoint => ({ ...emptyPoint(), ...fields });
const elevations = (values: number[]) => values.map((elevation) => point({ elevation }));

describe('track summary', () => {
  it('ignores elevation noise under 3 m and counts whole climbs', () => {
    assert.equal(elevationGain(elevations([100, 102, 100, 102, 100, 102])), 0);
    assert.equal(elevationGain(elevations([100, 101, 102, 103, 104, 105])), 5);
    assert.equal(elevationGain(elevations([100, 110, 90, 95])), 15);
    // A 2 m dip inside a climb neither ends it nor is counted twice.
    assert.equal(elevationGain(elevations([100, 110, 108, 120])), 20);
  });

  it('takes max speed over at least 5 s, so one GPS jump does not count', () => {
    // 3 m/s every second, with one point thrown 30 m ahead and back.
    const points = Array.from({ length: 30 }, (_, i) => point({ time: i * 1000, lat: 45 + ((i === 15 ? i * 3 + 30 : i * 3) / METRES_PER_DEGREE), lon: 7 }));
    const summary = summarizeTrack(points);
    // The raw jump is 33 m/s; over 5 s the 30 m offset adds at most 6 m/s to the true 3 m/s.
    assert.ok(summary.maxSpeed! <= 9 + 1e-9 && summary.maxSpeed! > 3, `max speed ${summary.maxSpeed}`);
  });

  it('counts moving time only between points faster than 0.5 m/s', () => {
    const points = [
      point({ time: 0, distance: 0 }),
      point({ time: 10_000, distance: 30 }), // 3 m/s
      point({ time: 20_000, distance: 34 }), // 0.4 m/s: standing
      point({ time: 30_000, distance: 64 }),
    ];
    const summary = summarizeTrack(points);
    assert.equal(summary.movingTime, 20);
    assert.equal(summary.elapsedTime, 30);
    assert.equal(summary.distance, 64);
  });

  it('uses elapsed time as moving time when the track has no distance at all', () => {
    const summary = summarizeTrack([point({ time: 0, heartRate: 100 }), point({ time: 60_000, heartRate: 120 })]);
    assert.equal(summary.movingTime, 60);
    assert.equal(summary.maxSpeed, null);
    assert.equal(summary.averageHeartRate, 110);
  });
});
