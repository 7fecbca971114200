import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodePolyline } from '../src/index.js';
import { METRES_PER_DEGREE, gpx, northwardTrack, utf8 } from './support/fixtures.js';
import { assertNear, parseOne, runOf } from './support/outcomes.js';

const ELEVATIONS = [100, 101, 100, 101, 100, 110, 109, 111, 105, 120, 120];

describe('GPX', () => {
  it('computes distance, times, heart rate, elevation gain and the polyline from the track', async () => {
    const points = northwardTrack(11, 1000, 300, (i) => ({ ele: ELEVATIONS[i]!, hr: 140 + i }));
    const text = gpx(points, { name: 'Morning &amp; Run', desc: 'Easy', type: 'running' });
    const run = runOf(await parseOne('morning.gpx', text));
    assert.equal(run.external_id, `sha256:${createHash('sha256').update(text).digest('hex')}`);
    assert.equal(run.file_name, 'morning.gpx');
    assert.equal(run.name, 'Morning & Run');
    assert.equal(run.description, 'Easy');
    assert.equal(run.sport_type, 'Run');
    assert.equal(run.start_date, '2026-03-01T07:12:00Z');
    assert.equal(run.start_date_local, null);
    assert.equal(run.timezone, null);
    assertNear(run.distance, 10000, 1, 'distance');
    assert.equal(run.moving_time, 3000);
    assert.equal(run.elapsed_time, 3000);
    assert.equal(run.average_speed, 3.333);
    assertNear(run.max_speed, 3.333, 0.001, 'max_speed');
    assert.equal(run.average_heartrate, 145);
    assert.equal(run.max_heartrate, 150);
    // The 1 m wiggles are noise under the 3 m hysteresis; the climbs 100->111 and 105->120 count: 26 m, not the raw 29 m.
    assert.equal(run.total_elevation_gain, 26);
    const decoded = decodePolyline(run.summary_polyline!);
    assert.equal(decoded.length, points.length);
    decoded.forEach(([lat, lon], i) => {
      assertNear(lat, points[i]!.lat, 0.000005, `lat ${i}`);
      assertNear(lon, points[i]!.lon, 0.000005, `lon ${i}`);
    });
  });

  it('does not count a stop as moving time, and counts it as elapsed time', async () => {
    const moving = northwardTrack(6, 1000, 300);
    const last = moving[5]!;
    const points = [...moving, { ...last, t: last.t + 600 }, ...northwardTrack(6, 1000, 300).slice(1).map((p) => ({ ...p, lat: p.lat + (last.lat - 45), t: p.t + last.t + 600 }))];
    const run = runOf(await parseOne('stop.gpx', gpx(points)));
    assertNear(run.distance, 10000, 1, 'distance');
    assert.equal(run.moving_time, 3000);
    assert.equal(run.elapsed_time, 3600);
    assert.equal(run.average_speed, 3.333);
  });

  it('adds neither distance nor moving time across a gap between track segments', async () => {
    const first = northwardTrack(3, 1000, 300);
    // The second segment starts 2 km further north, 10 minutes later.
    const second = northwardTrack(3, 1000, 300).map((p) => ({ ...p, lat: p.lat + 4000 / METRES_PER_DEGREE, t: p.t + 1200 }));
    const run = runOf(await parseOne('segments.gpx', gpx([...first, ...second], { segments: [3] })));
    assertNear(run.distance, 4000, 1, 'distance');
    assert.equal(run.moving_time, 1200);
    assert.equal(run.elapsed_time, 1800);
  });

  it('takes the sport from <type>: trail running is a TrailRun with a default name', async () => {
    const run = runOf(await parseOne('trail.gpx', gpx(northwardTrack(3, 100, 30), { type: 'trail_running' })));
    assert.equal(run.sport_type, 'TrailRun');
    assert.equal(run.name, 'Trail Run on 2026-03-01');
  });

  it('counts a GPX without <type> as a Run', async () => {
    const run = runOf(await parseOne('plain.gpx', gpx(northwardTrack(3, 100, 30))));
    assert.equal(run.sport_type, 'Run');
    assert.equal(run.name, 'Run on 2026-03-01');
    assert.equal(run.average_heartrate, null);
    assert.equal(run.max_heartrate, null);
  });

  it('skips an activity that is not a run', async () => {
    assert.deepEqual(await parseOne('ride.gpx', gpx(northwardTrack(3, 100, 30), { type: 'cycling' })), {
      file: 'ride.gpx',
      status: 'skipped',
      reason: 'not a run (cycling)',
    });
  });

  it('skips a GPX without track points (a route)', async () => {
    const route = '<?xml version="1.0"?><gpx version="1.1"><rte><rtept lat="45" lon="7"/><rtept lat="45.1" lon="7"/></rte></gpx>';
    assert.deepEqual(await parseOne('route.gpx', route), { file: 'route.gpx', status: 'skipped', reason: 'no track points' });
  });

  it('skips a track without timestamps', async () => {
    const text = '<gpx version="1.1"><trk><trkseg><trkpt lat="45" lon="7"/><trkpt lat="45.01" lon="7"/></trkseg></trk></gpx>';
    assert.deepEqual(await parseOne('course.gpx', text), {
      file: 'course.gpx',
      status: 'skipped',
      reason: 'no timestamps (a route or a course, not a recorded run)',
    });
  });

  it('fails a track point without a valid position, naming it', async () => {
    const text = gpx(northwardTrack(3, 100, 30)).replace('lat="45"', 'lat="95"');
    assert.deepEqual(await parseOne('bad.gpx', text), { file: 'bad.gpx', status: 'failed', error: 'track point 1 has no valid lat/lon' });
  });

  it('refuses external entities (XXE): a DOCTYPE fails the file', async () => {
    const text = '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><gpx version="1.1"><trk><name>&xxe;</name></trk></gpx>';
    assert.deepEqual(await parseOne('xxe.gpx', text), {
      file: 'xxe.gpx',
      status: 'failed',
      error: 'a DOCTYPE declaration is not accepted (no DTDs or entity definitions in activity files)',
    });
  });

  it('refuses entity expansion (billion laughs) without expanding anything', async () => {
    const entities = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const text = `<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY lol0 "lol">${entities}]><gpx><trk><name>&lol9;</name></trk></gpx>`;
    const outcome = await parseOne('lol.gpx', text);
    assert.deepEqual(outcome, {
      file: 'lol.gpx',
      status: 'failed',
      error: 'a DOCTYPE declaration is not accepted (no DTDs or entity definitions in activity files)',
    });
  });

  it('fails an undeclared entity reference instead of resolving it', async () => {
    const text = gpx(northwardTrack(3, 100, 30), { name: '&xxe;' });
    const outcome = await parseOne('entity.gpx', text);
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { error: string }).error, /^not well-formed XML: .*undefined entity/);
  });

  it('fails XML that is not well-formed, naming the problem', async () => {
    const outcome = await parseOne('cut.gpx', gpx(northwardTrack(3, 100, 30)).slice(0, 400));
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { error: string }).error, /^not well-formed XML: /);
  });

  it('fails an XML file that is neither GPX nor TCX', async () => {
    assert.deepEqual(await parseOne('other.gpx', utf8('<?xml version="1.0"?><kml><Document/></kml>')), {
      file: 'other.gpx',
      status: 'failed',
      error: 'not a GPX file: the root element is <kml>, not <gpx>',
    });
  });
});
