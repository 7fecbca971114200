// Which Strava activities are runs, and how one becomes an ImportedRun.
import type { StravaDetailedActivity, StravaSummaryActivity } from '../strava-client/types.js';
import { RUN_SPORT_TYPES, type ImportedRun, type RunSportType } from './imported-run.js';
import { ianaTimeZone } from './strava-timezone.js';

const MAX_NAME_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 10_000;
const MAX_POLYLINE_LENGTH = 50_000;

export function isRun(activity: Pick<StravaSummaryActivity, 'sport_type'>): activity is StravaSummaryActivity & { sport_type: RunSportType } {
  return (RUN_SPORT_TYPES as readonly string[]).includes(activity.sport_type);
}

/** Seconds precision, always with a Z. */
function utcSeconds(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`activity start_date is not a date: ${JSON.stringify(iso).slice(0, 40)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Strava writes local times with a misleading Z ("2018-02-16T06:52:54Z"): the wall clock is kept without it. */
function localSeconds(iso: string | null | undefined): string | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso ?? '');
  return match?.[1] ?? null;
}

const finiteOr = (value: number | null | undefined, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback);
const finiteOrNull = (value: number | null | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);

export function toImportedRun(activity: StravaSummaryActivity & { sport_type: RunSportType }, description?: string | null): ImportedRun {
  const polyline = activity.map?.summary_polyline;
  const movingTime = Math.round(finiteOr(activity.moving_time, 0));
  const averageSpeed = finiteOr(activity.average_speed, 0);
  const averageHeartrate = finiteOrNull(activity.average_heartrate);
  // Manual entries carry max_speed 0 and sometimes a moving time above the elapsed one: a maximum
  // below the average was never measured, and the run lasted at least as long as it moved.
  const maxSpeed = finiteOrNull(activity.max_speed);
  const maxHeartrate = finiteOrNull(activity.max_heartrate);
  return {
    source: 'strava',
    strava_id: String(activity.id),
    name: (activity.name ?? '').slice(0, MAX_NAME_LENGTH) || activity.sport_type,
    description: (description ?? (activity as StravaDetailedActivity).description ?? null)?.slice(0, MAX_DESCRIPTION_LENGTH) || null,
    sport_type: activity.sport_type,
    start_date: utcSeconds(activity.start_date),
    start_date_local: localSeconds(activity.start_date_local),
    timezone: ianaTimeZone(activity.timezone),
    distance: finiteOr(activity.distance, 0),
    moving_time: movingTime,
    elapsed_time: Math.max(movingTime, Math.round(finiteOr(activity.elapsed_time, 0))),
    total_elevation_gain: finiteOr(activity.total_elevation_gain, 0),
    average_speed: averageSpeed,
    max_speed: maxSpeed !== null && maxSpeed >= averageSpeed ? maxSpeed : null,
    average_heartrate: averageHeartrate,
    max_heartrate: maxHeartrate !== null && (averageHeartrate === null || maxHeartrate >= averageHeartrate) ? maxHeartrate : null,
    summary_polyline: polyline && polyline.length <= MAX_POLYLINE_LENGTH ? polyline : null,
  };
}

export const startSeconds = (activity: Pick<StravaSummaryActivity, 'start_date'>): number => Math.floor(Date.parse(activity.start_date) / 1000);

/** The data service's bounds (a batch is all-or-nothing: one run outside them would hold back every other). */
const LIMITS = { distance: 1_000_000, duration: 2_592_000, elevation: 100_000, speed: 200, heartrate: 300 };

export function withinDataServiceBounds(run: ImportedRun): boolean {
  return (
    run.distance <= LIMITS.distance &&
    run.moving_time <= LIMITS.duration &&
    run.elapsed_time <= LIMITS.duration &&
    run.total_elevation_gain <= LIMITS.elevation &&
    run.average_speed <= LIMITS.speed &&
    (run.max_speed ?? 0) <= LIMITS.speed &&
    (run.average_heartrate ?? 0) <= LIMITS.heartrate &&
    (run.max_heartrate ?? 0) <= LIMITS.heartrate
  );
}

/** The runs of a page as the data service takes them; activities it could not store are left out. */
export function importableRuns(activities: readonly StravaSummaryActivity[]): ImportedRun[] {
  return activities
    .filter(isRun)
    .map((activity) => toImportedRun(activity))
    .filter(withinDataServiceBounds);
}
