// Turns a run as written by a client (a runner, the Strava service, a parsed file) into stored
// values: the zone checked and made canonical, the local start time derived, the defaults filled
// in and the few rules across fields checked, each failure naming its field.
import { badRequest } from '@runnerly/http-service';
import { canonicalTimeZone, formatLocal } from '../domain/time-zone.js';
import type { RunValues } from '../storage/run-store.js';

export interface RunInput {
  name: string;
  description?: string | null | undefined;
  sport_type: string;
  start_date: string;
  start_date_local?: string | null | undefined;
  timezone?: string | null | undefined;
  distance: number;
  moving_time: number;
  elapsed_time?: number | undefined;
  total_elevation_gain?: number | undefined;
  average_speed?: number | undefined;
  max_speed?: number | null | undefined;
  average_heartrate?: number | null | undefined;
  max_heartrate?: number | null | undefined;
  summary_polyline?: string | null | undefined;
}

/** Epoch seconds of an ISO 8601 UTC instant the schema let through, if it is a real one (no February 30). */
export function parseUtcInstant(text: string, field: string): number {
  const millis = Date.parse(text);
  if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 19) !== text.slice(0, 19)) throw badRequest(field, 'is not a real date and time');
  return Math.floor(millis / 1000);
}

/** An IANA zone, canonical; Strava's "(GMT+01:00) Europe/Paris" form gives its zone. */
export function runTimeZone(text: string, field: string): string {
  const named = /^\(GMT[+-]\d{2}:\d{2}\) (.+)$/.exec(text)?.[1] ?? text;
  const zone = canonicalTimeZone(named);
  if (zone === undefined) throw badRequest(field, 'is not an IANA time zone');
  return zone;
}

/**
 * `prefix` locates the run in the request ("" for a body that is the run, "runs/3/" in a batch).
 * The rules across fields hold for runs the runner writes; an imported run is kept as its source
 * measured it (Strava reports a max_speed of 0 without GPS, and one odd activity must not block a
 * runner's whole import).
 */
export function toRunValues(input: RunInput, runnerZone: string, prefix = '', origin: 'runner' | 'import' = 'runner'): RunValues {
  const timezone = input.timezone ? runTimeZone(input.timezone, `${prefix}timezone`) : runnerZone;
  const start_time = parseUtcInstant(input.start_date, `${prefix}start_date`);
  const elapsed_time = input.elapsed_time ?? input.moving_time;
  if (origin === 'import') return valuesOf(input, start_time, timezone, elapsed_time);
  if (input.moving_time > elapsed_time) throw badRequest(`${prefix}moving_time`, 'must not be more than elapsed_time');
  if (input.max_speed !== null && input.max_speed !== undefined && input.average_speed !== undefined && input.max_speed < input.average_speed) {
    throw badRequest(`${prefix}max_speed`, 'must not be less than average_speed');
  }
  return valuesOf(input, start_time, timezone, elapsed_time);
}

function valuesOf(input: RunInput, start_time: number, timezone: string, elapsed_time: number): RunValues {
  return {
    name: input.name,
    description: input.description ?? null,
    sport_type: input.sport_type,
    start_time,
    start_date_local: input.start_date_local ? input.start_date_local.replace(/Z$/, '') : formatLocal(start_time, timezone),
    timezone,
    distance: input.distance,
    moving_time: input.moving_time,
    elapsed_time,
    total_elevation_gain: input.total_elevation_gain ?? 0,
    average_speed: input.average_speed ?? (input.moving_time > 0 ? input.distance / input.moving_time : 0),
    max_speed: input.max_speed ?? null,
    average_heartrate: input.average_heartrate ?? null,
    max_heartrate: input.max_heartrate ?? null,
    summary_polyline: input.summary_polyline ?? null,
  };
}
