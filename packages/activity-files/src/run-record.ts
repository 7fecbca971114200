import { createHash } from 'node:crypto';
import type { Activity, DeclaredSport } from './activity.js';
import { NotARun } from './errors.js';
import { encodePolyline, type LatLng } from './polyline.js';
import { simplifyToAtMost } from './simplify.js';
import { sportLabel } from './sport.js';
import { summarizeTrack } from './track-summary.js';
import type { ParsedRun } from './types.js';

/** summary_polyline keeps at most this many points (Douglas-Peucker). */
export const MAX_POLYLINE_POINTS = 500;

/** What a Strava export's activities.csv says about a file; it wins over the file. */
export interface RunOverrides {
  name?: string | null;
  description?: string | null;
  sport?: DeclaredSport;
}

/** Identity of a file-imported run: the hash of the activity file's (decompressed) bytes. */
export function externalIdOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The run a parsed file describes; totals stated by the file win over those computed from its track. */
export function toParsedRun(activity: Activity, fileName: string, bytes: Uint8Array, overrides: RunOverrides = {}): ParsedRun {
  const sport = overrides.sport ?? activity.sport;
  if ('other' in sport) throw new NotARun(`not a run (${sport.other || 'no sport'})`);
  const { totals, points } = activity;
  if (points.length === 0 && totals.distance === undefined && totals.movingTime === undefined) {
    throw new NotARun('no track points');
  }
  const track = summarizeTrack(points);
  const start = totals.startTime ?? track.startTime;
  if (start === null) throw new NotARun('no timestamps (a route or a course, not a recorded run)');
  const trackEnd = track.startTime !== null && track.elapsedTime !== null ? track.startTime + track.elapsedTime * 1000 : null;
  const elapsed = totals.elapsedTime ?? (trackEnd !== null ? (trackEnd - start) / 1000 : (totals.movingTime ?? 0));
  const moving = totals.movingTime ?? track.movingTime ?? elapsed;
  const distance = totals.distance ?? track.distance;
  const offset = activity.utcOffsetSeconds;
  const localStart = offset === null ? null : isoSeconds(start + offset * 1000).slice(0, -1);
  const defaultName = `${sportLabel(sport.run)} on ${(localStart ?? isoSeconds(start)).slice(0, 10)}`;
  const averageHeartRate = totals.averageHeartRate ?? track.averageHeartRate;
  const maxHeartRate = totals.maxHeartRate ?? track.maxHeartRate;
  const maxSpeed = totals.maxSpeed ?? track.maxSpeed;
  const roundedMoving = Math.round(moving);
  return {
    external_id: externalIdOf(bytes),
    file_name: fileName,
    name: overrides.name?.trim() || activity.name?.trim() || defaultName,
    description: overrides.description?.trim() || activity.description?.trim() || null,
    sport_type: sport.run,
    start_date: isoSeconds(start),
    start_date_local: localStart,
    timezone: null,
    distance: round(distance, 1),
    moving_time: roundedMoving,
    elapsed_time: Math.round(Math.max(elapsed, 0)),
    total_elevation_gain: round(totals.elevationGain ?? track.elevationGain, 1),
    average_speed: roundedMoving > 0 ? round(distance / roundedMoving, 3) : 0,
    max_speed: maxSpeed === null ? null : round(maxSpeed, 3),
    average_heartrate: averageHeartRate === null ? null : round(averageHeartRate, 1),
    max_heartrate: maxHeartRate === null ? null : Math.round(maxHeartRate),
    summary_polyline: polylineOf(activity),
  };
}

function polylineOf(activity: Activity): string | null {
  const positions: LatLng[] = [];
  for (const p of activity.points) if (p.lat !== null && p.lon !== null) positions.push([p.lat, p.lon]);
  return positions.length === 0 ? null : encodePolyline(simplifyToAtMost(positions, MAX_POLYLINE_POINTS));
}

/** 2026-03-01T07:12:00Z: Strava's form, whole seconds. */
function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
