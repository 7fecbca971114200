// Builders of activity files and archives for the tests: every fixture is generated, none is checked in.
import { Encoder, Profile, Utils, type Encodable, type Mesg } from '@garmin/fitsdk';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { EARTH_RADIUS_M } from '../../src/geo.js';

export const START = Date.UTC(2026, 2, 1, 7, 12, 0); // 2026-03-01T07:12:00Z

export interface FixturePoint {
  lat: number;
  lon: number;
  /** Seconds after START. */
  t: number;
  ele?: number;
  hr?: number;
  /** Cumulative distance as a device records it (TCX DistanceMeters, FIT record distance). */
  distance?: number;
}

/** Metres per degree of latitude on the haversine sphere: points due north are exactly this far apart. */
export const METRES_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;

/** A run due north from 45N 7E, `count` points `seconds` apart, `metres` apart. */
export function northwardTrack(count: number, metres: number, seconds: number, extra: (i: number) => Partial<FixturePoint> = () => ({})): FixturePoint[] {
  return Array.from({ length: count }, (_, i) => ({ lat: 45 + (i * metres) / METRES_PER_DEGREE, lon: 7, t: i * seconds, ...extra(i) }));
}

const iso = (t: number) => new Date(START + t * 1000).toISOString();

export function gpx(points: readonly FixturePoint[], options: { name?: string; type?: string; desc?: string; segments?: number[] } = {}): string {
  const trkpt = (p: FixturePoint) =>
    `<trkpt lat="${p.lat}" lon="${p.lon}">${p.ele === undefined ? '' : `<ele>${p.ele}</ele>`}<time>${iso(p.t)}</time>` +
    (p.hr === undefined ? '' : `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${p.hr}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>`) +
    '</trkpt>';
  // segments: indexes where a new <trkseg> starts
  const breaks = new Set(options.segments ?? []);
  const body = points.map((p, i) => (breaks.has(i) ? '</trkseg><trkseg>' : '') + trkpt(p)).join('\n');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n' +
    '<metadata><time>' + iso(0) + '</time></metadata>\n<trk>' +
    (options.name === undefined ? '' : `<name>${options.name}</name>`) +
    (options.desc === undefined ? '' : `<desc>${options.desc}</desc>`) +
    (options.type === undefined ? '' : `<type>${options.type}</type>`) +
    `<trkseg>\n${body}\n</trkseg></trk>\n</gpx>\n`
  );
}

export interface FixtureLap {
  totalSeconds: number;
  metres: number;
  maxSpeed?: number;
  averageHr?: number;
  maxHr?: number;
  points: readonly FixturePoint[];
}

export function tcx(laps: readonly FixtureLap[], options: { sport?: string; notes?: string } = {}): string {
  const lap = (l: FixtureLap) =>
    `<Lap StartTime="${iso(l.points[0]?.t ?? 0)}"><TotalTimeSeconds>${l.totalSeconds}</TotalTimeSeconds><DistanceMeters>${l.metres}</DistanceMeters>` +
    (l.maxSpeed === undefined ? '' : `<MaximumSpeed>${l.maxSpeed}</MaximumSpeed>`) +
    (l.averageHr === undefined ? '' : `<AverageHeartRateBpm><Value>${l.averageHr}</Value></AverageHeartRateBpm>`) +
    (l.maxHr === undefined ? '' : `<MaximumHeartRateBpm><Value>${l.maxHr}</Value></MaximumHeartRateBpm>`) +
    '<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>' +
    l.points
      .map(
        (p) =>
          `<Trackpoint><Time>${iso(p.t)}</Time><Position><LatitudeDegrees>${p.lat}</LatitudeDegrees><LongitudeDegrees>${p.lon}</LongitudeDegrees></Position>` +
          (p.ele === undefined ? '' : `<AltitudeMeters>${p.ele}</AltitudeMeters>`) +
          (p.distance === undefined ? '' : `<DistanceMeters>${p.distance}</DistanceMeters>`) +
          (p.hr === undefined ? '' : `<HeartRateBpm><Value>${p.hr}</Value></HeartRateBpm>`) +
          '</Trackpoint>',
      )
      .join('') +
    '</Track></Lap>';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">' +
    `<Activities><Activity Sport="${options.sport ?? 'Running'}"><Id>${iso(0)}</Id>` +
    laps.map(lap).join('') +
    (options.notes === undefined ? '' : `<Notes>${options.notes}</Notes>`) +
    '</Activity></Activities></TrainingCenterDatabase>\n'
  );
}

export interface FitSession {
  sport?: string;
  subSport?: string;
  totalElapsedTime?: number;
  totalTimerTime?: number;
  totalDistance?: number;
  totalAscent?: number;
  avgHeartRate?: number;
  maxHeartRate?: number;
  enhancedMaxSpeed?: number;
}

const FILE_ID = Profile.MesgNum.FILE_ID!;
const RECORD = Profile.MesgNum.RECORD!;
const SESSION = Profile.MesgNum.SESSION!;
const ACTIVITY = Profile.MesgNum.ACTIVITY!;
const DEGREES_TO_SEMICIRCLES = 2 ** 31 / 180;

/** A FIT activity written by Garmin's own Encoder. */
export function fit(points: readonly FixturePoint[], options: { session?: FitSession | null; utcOffsetSeconds?: number; fileType?: string } = {}): Uint8Array {
  const encoder = new Encoder();
  // The SDK types messages loosely (Mesg); the fields below are from its profile.
  const write = (mesg: Record<string, unknown> & { mesgNum: number }) => encoder.writeMesg(mesg as Encodable<Mesg>);
  const start = new Date(START);
  write({ mesgNum: FILE_ID, type: options.fileType ?? 'activity', manufacturer: 'development', product: 1, timeCreated: start, serialNumber: 1234 });
  for (const p of points) {
    write({
      mesgNum: RECORD,
      timestamp: new Date(START + p.t * 1000),
      positionLat: Math.round(p.lat * DEGREES_TO_SEMICIRCLES),
      positionLong: Math.round(p.lon * DEGREES_TO_SEMICIRCLES),
      ...(p.ele === undefined ? {} : { altitude: p.ele }),
      ...(p.hr === undefined ? {} : { heartRate: p.hr }),
      ...(p.distance === undefined ? {} : { distance: p.distance }),
    });
  }
  const end = new Date(START + (points[points.length - 1]?.t ?? 0) * 1000);
  if (options.session !== null) {
    write({ mesgNum: SESSION, timestamp: end, startTime: start, sport: 'running', ...(options.session ?? {}) });
  }
  write({
    mesgNum: ACTIVITY,
    timestamp: end,
    numSessions: 1,
    type: 'manual',
    ...(options.utcOffsetSeconds === undefined ? {} : { localTimestamp: Utils.convertDateToDateTime(end) + options.utcOffsetSeconds }),
  });
  return encoder.close();
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const gzip = (bytes: Uint8Array | string) => new Uint8Array(gzipSync(typeof bytes === 'string' ? utf8(bytes) : bytes));

export interface ZipInput {
  name: string;
  data: Uint8Array | string;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/** A ZIP written by yazl. */
export async function zip(entries: readonly ZipInput[]): Promise<Uint8Array> {
  const archive = new yazl.ZipFile();
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? utf8(entry.data) : entry.data;
    archive.addBuffer(Buffer.from(data), entry.name, { compress: entry.compress ?? true, mtime: new Date(START) });
  }
  archive.end();
  const chunks: Buffer[] = [];
  for await (const chunk of archive.outputStream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Renames an entry in place in a built ZIP (local header and central directory), to names yazl refuses to write. */
export function renameEntry(archive: Uint8Array, from: string, to: Uint8Array | string): Uint8Array {
  const fromBytes = Buffer.from(from);
  const toBytes = Buffer.from(typeof to === 'string' ? utf8(to) : to);
  if (fromBytes.length !== toBytes.length) throw new Error('renameEntry needs names of the same length');
  const patched = Buffer.from(archive);
  let at = patched.indexOf(fromBytes);
  let count = 0;
  while (at !== -1) {
    toBytes.copy(patched, at);
    count++;
    at = patched.indexOf(fromBytes, at + 1);
  }
  if (count !== 2) throw new Error(`expected the name twice in the archive, found it ${count} times`);
  return new Uint8Array(patched);
}

/** A CSV line with every field quoted as Strava writes them. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');
}

export const ACTIVITIES_CSV_HEADER = csvLine([
  'Activity ID', 'Activity Date', 'Activity Name', 'Activity Type', 'Activity Description', 'Elapsed Time', 'Distance',
  'Max Heart Rate', 'Relative Effort', 'Commute', 'Activity Private Note', 'Activity Gear', 'Filename', 'Athlete Weight',
  'Bike Weight', 'Elapsed Time', 'Moving Time', 'Distance',
]);

export function activitiesCsvRow(row: { id: string; name: string; type: string; description?: string; filename: string }): string {
  return csvLine([row.id, 'Mar 1, 2026, 7:12:00 AM', row.name, row.type, row.description ?? '', '3000', '10.00', '', '', 'false', '', '', row.filename, '', '', '3000.0', '3000.0', '10000.0']);
}

/** A deterministic PRNG (mulberry32) so the fuzz test is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
