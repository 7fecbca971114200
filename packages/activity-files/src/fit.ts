import { Decoder, Profile, Stream, Utils, type RecordMesg, type SessionMesg } from '@garmin/fitsdk';
import { emptyPoint, type Activity, type StatedTotals, type TrackPoint } from './activity.js';
import { ActivityFileError, NotARun } from './errors.js';
import { isValidPosition } from './geo.js';
import { sportFromFit } from './sport.js';

const SEMICIRCLES_TO_DEGREES = 180 / 2 ** 31;
const MAX_UTC_OFFSET_S = 14 * 3600;

class TooManyPoints extends Error {}

/** A FIT activity file, decoded by Garmin's SDK: the first running session's totals and the records. */
export function parseFit(bytes: Uint8Array, maxTrackPoints: number): Activity {
  const decoder = new Decoder(Stream.fromByteArray(bytes));
  if (!decoder.isFIT()) throw new ActivityFileError('not a FIT file: its header has no ".FIT" signature');
  if (!decoder.checkIntegrity()) throw new ActivityFileError('the FIT file is damaged: its size or CRC does not match its header');
  let recordCount = 0;
  const recordNumber = Profile.MesgNum.RECORD;
  const { messages, errors } = decoder.read({
    mesgListener: (messageNumber: number) => {
      if (messageNumber === recordNumber && ++recordCount > maxTrackPoints) throw new TooManyPoints();
    },
  });
  if (recordCount > maxTrackPoints) throw new ActivityFileError(`more than ${maxTrackPoints} track points`);
  const firstError = errors[0];
  if (firstError) throw new ActivityFileError(`the FIT file could not be decoded: ${firstError.message}`);

  const fileType = messages.fileIdMesgs?.[0]?.type;
  if (fileType !== undefined && fileType !== 'activity') throw new NotARun(`not an activity file (FIT ${String(fileType)} file)`);

  const sessions = messages.sessionMesgs ?? [];
  const session = sessions.find((s) => s.sport === 'running') ?? sessions[0];
  const sportMessage = messages.sportMesgs?.[0];
  const sport = session ? sportFromFit(session.sport, session.subSport) : sportFromFit(sportMessage?.sport, sportMessage?.subSport);

  let records = messages.recordMesgs ?? [];
  if (session && sessions.length > 1) records = records.filter((r) => withinSession(r, session));

  const activity = messages.activityMesgs?.[0];
  return {
    format: 'FIT',
    sport,
    name: null,
    description: null,
    points: records.map(toTrackPoint),
    totals: session ? totalsFromSession(session) : {},
    utcOffsetSeconds: activity ? utcOffset(activity.timestamp, activity.localTimestamp) : null,
  };
}

function toTrackPoint(record: RecordMesg, index: number): TrackPoint {
  const point = emptyPoint();
  point.time = epochMs(record.timestamp);
  if (typeof record.positionLat === 'number' && typeof record.positionLong === 'number') {
    const lat = record.positionLat * SEMICIRCLES_TO_DEGREES;
    const lon = record.positionLong * SEMICIRCLES_TO_DEGREES;
    if (!isValidPosition(lat, lon)) throw new ActivityFileError(`record ${index + 1} has an invalid position`);
    point.lat = lat;
    point.lon = lon;
  }
  point.elevation = finiteOrNull(record.enhancedAltitude ?? record.altitude);
  point.heartRate = finiteOrNull(record.heartRate);
  point.distance = finiteOrNull(record.distance);
  return point;
}

function totalsFromSession(session: SessionMesg): StatedTotals {
  const totals: StatedTotals = {};
  const start = epochMs(session.startTime);
  if (start !== null) totals.startTime = start;
  const set = (key: keyof StatedTotals, value: unknown) => {
    const number = finiteOrNull(value);
    if (number !== null) totals[key] = number;
  };
  set('elapsedTime', session.totalElapsedTime);
  set('movingTime', session.totalTimerTime);
  set('distance', session.totalDistance);
  set('elevationGain', session.totalAscent);
  set('maxSpeed', session.enhancedMaxSpeed ?? session.maxSpeed);
  set('averageHeartRate', session.avgHeartRate);
  set('maxHeartRate', session.maxHeartRate);
  return totals;
}

function withinSession(record: RecordMesg, session: SessionMesg): boolean {
  const time = epochMs(record.timestamp);
  const start = epochMs(session.startTime);
  if (time === null || start === null || session.totalElapsedTime === undefined) return true;
  return time >= start && time <= start + session.totalElapsedTime * 1000;
}

/** local_timestamp is the same instant as timestamp, counted in local time: their difference is the offset. */
function utcOffset(timestamp: unknown, localTimestamp: unknown): number | null {
  if (typeof localTimestamp !== 'number') return null;
  const utcMs = epochMs(timestamp);
  if (utcMs === null) return null;
  const utcSeconds = Utils.convertDateToDateTime(new Date(utcMs));
  const offset = localTimestamp - utcSeconds;
  return Number.isFinite(offset) && Math.abs(offset) <= MAX_UTC_OFFSET_S ? offset : null;
}

function epochMs(value: unknown): number | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (typeof value === 'number') return Utils.convertDateTimeToDate(value).getTime();
  return null;
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
