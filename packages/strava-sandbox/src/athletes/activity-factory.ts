import type { Prng } from '../random/prng.js';
import type { Activity, ActivityInput, Athlete, SportType } from './model.js';
import { localHour } from './local-time.js';
import { elevationProfile, loopRoute } from './route-geometry.js';

const RUNS: readonly SportType[] = ['Run', 'TrailRun', 'VirtualRun'];
const WITHOUT_ROUTE: readonly SportType[] = ['VirtualRun', 'VirtualRide', 'Swim', 'WeightTraining', 'Workout'];

export function isRun(sportType: SportType): boolean {
  return RUNS.includes(sportType);
}

/** Strava's default title: the part of the day, then the sport ("Morning Run", "Evening Trail Run"). */
export function defaultName(sportType: SportType, timeZone: string, startTime: number): string {
  const hour = localHour(timeZone, startTime);
  const part = hour < 5 || hour >= 21 ? 'Night' : hour < 11 ? 'Morning' : hour < 14 ? 'Lunch' : hour < 17 ? 'Afternoon' : 'Evening';
  const sport: Record<SportType, string> = {
    Run: 'Run',
    TrailRun: 'Trail Run',
    VirtualRun: 'Virtual Run',
    Ride: 'Ride',
    VirtualRide: 'Virtual Ride',
    Swim: 'Swim',
    Walk: 'Walk',
    Hike: 'Hike',
    WeightTraining: 'Weight Training',
    Workout: 'Workout',
  };
  return `${part} ${sport[sportType]}`;
}

/** Typical speed (m/s) when the input gives none. */
function typicalSpeed(sportType: SportType): number {
  switch (sportType) {
    case 'Ride':
    case 'VirtualRide':
      return 7.5;
    case 'Swim':
      return 0.8;
    case 'Walk':
    case 'Hike':
      return 1.4;
    case 'TrailRun':
      return 2.6;
    default:
      return 3.0;
  }
}

/**
 * Builds a complete activity from what an admin (or the seeder) says, filling what it leaves out
 * with plausible values: a route near the athlete's home, an elevation profile, heart rate.
 */
export function composeActivity(id: number, athlete: Athlete, input: ActivityInput, random: Prng, now: number): Activity {
  const sportType = input.sport_type ?? 'Run';
  const startTime = input.start_date !== undefined ? Date.parse(input.start_date) : now - 3_600_000;
  const manual = input.manual ?? false;
  const distance = Math.round((input.distance ?? (isRun(sportType) ? 8000 : sportType === 'Swim' ? 1500 : 25_000)) * 10) / 10;
  const movingTime = Math.round(input.moving_time ?? distance / typicalSpeed(sportType));
  const elapsedTime = Math.round(input.elapsed_time ?? movingTime + (manual ? 0 : random.integer(0, Math.ceil(movingTime * 0.06))));
  const hasRoute = !manual && !WITHOUT_ROUTE.includes(sportType) && distance > 0;
  const points = hasRoute ? loopRoute(athlete.home, distance, random) : [];
  const gain = Math.round((input.total_elevation_gain ?? (hasRoute ? (distance / 1000) * (sportType === 'TrailRun' ? 35 : 6) : 0)) * 10) / 10;
  const elevations = hasRoute ? elevationProfile(points.length, random.between(20, 120), gain, random) : [];
  const averageSpeed = movingTime > 0 ? distance / movingTime : 0;
  const recordsHeartrate = !manual && sportType !== 'Swim';
  const averageHeartrate = input.average_heartrate === null ? undefined : (input.average_heartrate ?? (recordsHeartrate ? Math.round(random.between(132, 162) * 10) / 10 : undefined));
  const maxHeartrate =
    input.max_heartrate === null || averageHeartrate === undefined ? undefined : (input.max_heartrate ?? Math.round(averageHeartrate + random.between(10, 26)));
  const kcalPerKm = isRun(sportType) || sportType === 'Walk' || sportType === 'Hike' ? 1.0 : sportType === 'Swim' ? 3.5 : 0.3;
  return {
    id,
    athleteId: athlete.id,
    name: input.name ?? defaultName(sportType, athlete.timeZone, startTime),
    sportType,
    startTime,
    timeZone: athlete.timeZone,
    distance,
    movingTime,
    elapsedTime,
    totalElevationGain: gain,
    maxSpeed: manual ? 0 : Math.round(averageSpeed * random.between(1.25, 1.6) * 1000) / 1000,
    ...(averageHeartrate !== undefined ? { averageHeartrate } : {}),
    ...(maxHeartrate !== undefined ? { maxHeartrate } : {}),
    ...(isRun(sportType) && !manual ? { averageCadence: Math.round(random.between(78, 90) * 10) / 10 } : {}),
    points,
    elevations,
    manual,
    private: input.private ?? false,
    trainer: input.trainer ?? (sportType === 'VirtualRun' || sportType === 'VirtualRide'),
    commute: input.commute ?? false,
    gearId: input.gear_id !== undefined ? input.gear_id : isRun(sportType) ? `g${athlete.id % 100000}1` : null,
    description: input.description ?? null,
    calories: Math.round(athlete.weight * (distance / 1000) * kcalPerKm * 10) / 10,
    createdAt: now,
  };
}
