import polylineCodec from '@googlemaps/polyline-codec';
import type { Activity } from '../athletes/model.js';
import { legacyType } from '../athletes/model.js';
import { isoSeconds, localIsoSeconds, stravaTimeZone, utcOffsetSeconds } from '../athletes/local-time.js';
import { isRun } from '../athletes/activity-factory.js';

const { encode } = polylineCodec;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The simplified line of `map.summary_polyline`: every third point, and the last. */
function summaryPoints(points: Array<[number, number]>): Array<[number, number]> {
  return points.filter((_, index) => index % 3 === 0 || index === points.length - 1);
}

/** `GET /athlete/activities` items (resource_state 2). */
export function summaryActivity(activity: Activity) {
  const averageSpeed = activity.movingTime > 0 ? round(activity.distance / activity.movingTime, 3) : 0;
  const hasHeartrate = activity.averageHeartrate !== undefined;
  const first = activity.points[0];
  const last = activity.points[activity.points.length - 1];
  const offset = utcOffsetSeconds(activity.timeZone, activity.startTime);
  return {
    resource_state: 2,
    athlete: { id: activity.athleteId, resource_state: 1 },
    name: activity.name,
    distance: activity.distance,
    moving_time: activity.movingTime,
    elapsed_time: activity.elapsedTime,
    total_elevation_gain: activity.totalElevationGain,
    type: legacyType(activity.sportType),
    sport_type: activity.sportType,
    workout_type: isRun(activity.sportType) ? (activity.name === 'Long Run' ? 2 : 0) : null,
    id: activity.id,
    start_date: isoSeconds(activity.startTime),
    start_date_local: localIsoSeconds(activity.timeZone, activity.startTime, offset),
    timezone: stravaTimeZone(activity.timeZone, activity.startTime, offset),
    utc_offset: offset,
    location_city: null,
    location_state: null,
    location_country: null,
    achievement_count: 0,
    kudos_count: 0,
    comment_count: 0,
    athlete_count: 1,
    photo_count: 0,
    map: { id: `a${activity.id}`, summary_polyline: activity.points.length > 0 ? encode(summaryPoints(activity.points), 5) : '', resource_state: 2 },
    trainer: activity.trainer,
    commute: activity.commute,
    manual: activity.manual,
    private: activity.private,
    visibility: activity.private ? 'only_me' : 'everyone',
    flagged: false,
    gear_id: activity.gearId,
    start_latlng: first ? [first[0], first[1]] : [],
    end_latlng: last ? [last[0], last[1]] : [],
    average_speed: averageSpeed,
    max_speed: activity.maxSpeed,
    ...(activity.averageCadence !== undefined ? { average_cadence: activity.averageCadence } : {}),
    has_heartrate: hasHeartrate,
    ...(hasHeartrate ? { average_heartrate: activity.averageHeartrate, max_heartrate: activity.maxHeartrate } : {}),
    heartrate_opt_out: false,
    display_hide_heartrate_option: hasHeartrate,
    ...(activity.elevations.length > 0 ? { elev_high: Math.max(...activity.elevations), elev_low: Math.min(...activity.elevations) } : {}),
    upload_id: activity.manual ? null : activity.id + 7_000_000_000,
    external_id: activity.manual ? null : `sandbox-${activity.id}.fit`,
    from_accepted_tag: false,
    pr_count: 0,
    total_photo_count: 0,
    has_kudoed: false,
  };
}

const BEST_EFFORTS: Array<[string, number]> = [
  ['400m', 400],
  ['1/2 mile', 805],
  ['1k', 1000],
  ['1 mile', 1609],
  ['2 mile', 3219],
  ['5k', 5000],
  ['10k', 10000],
  ['15k', 15000],
  ['10 mile', 16090],
  ['20k', 20000],
  ['Half-Marathon', 21097],
  ['30k', 30000],
  ['Marathon', 42195],
];

/** `GET /activities/{id}` for the owner (resource_state 3): description, calories, laps, splits, best efforts. */
export function detailedActivity(activity: Activity) {
  const summary = summaryActivity(activity);
  const speed = summary.average_speed;
  const splits = [];
  if (activity.distance > 0 && speed > 0 && !activity.manual) {
    for (let done = 0, split = 1; done < activity.distance; split++) {
      const distance = Math.min(1000, activity.distance - done);
      const movingTime = Math.round(distance / speed);
      splits.push({
        distance: round(distance),
        elapsed_time: movingTime,
        elevation_difference: round(((split % 3) - 1) * 1.5),
        moving_time: movingTime,
        split,
        average_speed: speed,
        ...(activity.averageHeartrate !== undefined ? { average_heartrate: activity.averageHeartrate } : {}),
        pace_zone: 0,
      });
      done += distance;
    }
  }
  const startDate = summary.start_date;
  const startDateLocal = summary.start_date_local;
  return {
    ...summary,
    resource_state: 3,
    map: { ...summary.map, polyline: activity.points.length > 0 ? encode(activity.points, 5) : '', resource_state: 3 },
    description: activity.description,
    calories: activity.calories,
    device_name: activity.manual ? null : 'Sandbox Watch 2',
    embed_token: `sandbox${activity.id.toString(16)}`,
    segment_efforts: [],
    splits_metric: isRun(activity.sportType) ? splits : [],
    laps: activity.manual
      ? []
      : [
          {
            id: activity.id * 10 + 1,
            resource_state: 2,
            name: 'Lap 1',
            activity: { id: activity.id, resource_state: 1 },
            athlete: { id: activity.athleteId, resource_state: 1 },
            elapsed_time: activity.elapsedTime,
            moving_time: activity.movingTime,
            start_date: startDate,
            start_date_local: startDateLocal,
            distance: activity.distance,
            average_speed: speed,
            max_speed: activity.maxSpeed,
            lap_index: 1,
            split: 1,
            start_index: 0,
            end_index: Math.max(0, activity.points.length - 1),
            total_elevation_gain: activity.totalElevationGain,
            ...(activity.averageHeartrate !== undefined ? { average_heartrate: activity.averageHeartrate, max_heartrate: activity.maxHeartrate } : {}),
          },
        ],
    best_efforts:
      isRun(activity.sportType) && !activity.manual && speed > 0
        ? BEST_EFFORTS.filter(([, distance]) => distance <= activity.distance).map(([name, distance], index) => ({
            id: activity.id * 100 + index,
            resource_state: 2,
            name,
            activity: { id: activity.id, resource_state: 1 },
            athlete: { id: activity.athleteId, resource_state: 1 },
            // A best effort is a little faster than the average pace.
            elapsed_time: Math.round((distance / speed) * 0.97),
            moving_time: Math.round((distance / speed) * 0.97),
            start_date: startDate,
            start_date_local: startDateLocal,
            distance,
            pr_rank: null,
            achievements: [],
          }))
        : [],
    photos: { primary: null, count: 0 },
    gear: activity.gearId ? { id: activity.gearId, primary: true, name: 'Daily trainers', resource_state: 2, distance: 0 } : null,
    hide_from_home: false,
  };
}
