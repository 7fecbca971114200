import type { TrackPoint } from './activity.js';
import { haversineMetres } from './geo.js';

/** Between two points, the runner counts as moving above this speed (m/s). */
export const MOVING_SPEED_THRESHOLD = 0.5;
/** Climbs smaller than this (metres) from the last low point are GPS/barometer noise and not counted. */
export const ELEVATION_HYSTERESIS_M = 3;
/** Max speed is the best average over any stretch of at least this many seconds, so one GPS jump does not count. */
export const MAX_SPEED_WINDOW_S = 5;

export interface TrackMetrics {
  startTime: number | null;
  /** Seconds. */
  elapsedTime: number | null;
  movingTime: number | null;
  /** Metres. */
  distance: number;
  elevationGain: number;
  maxSpeed: number | null;
  averageHeartRate: number | null;
  maxHeartRate: number | null;
}

/** Totals computed from the track alone (used where the file states none). */
export function summarizeTrack(points: readonly TrackPoint[]): TrackMetrics {
  const cumulative = cumulativeDistances(points);
  const times = points.flatMap((p) => (p.time === null ? [] : [p.time]));
  const elapsedTime = times.length > 0 ? (maxOf(times) - minOf(times)) / 1000 : null;
  const hasDistance = points.some((p) => p.distance !== null || p.lat !== null);
  const heartRates = points.map((p) => p.heartRate).filter((hr): hr is number => hr !== null && hr > 0);
  return {
    startTime: times.length > 0 ? minOf(times) : null,
    elapsedTime,
    movingTime: hasDistance ? movingTime(points, cumulative) : elapsedTime,
    distance: cumulative.length > 0 ? cumulative[cumulative.length - 1]! : 0,
    elevationGain: elevationGain(points),
    maxSpeed: hasDistance ? maxSpeed(points, cumulative) : null,
    averageHeartRate: heartRates.length > 0 ? heartRates.reduce((a, b) => a + b, 0) / heartRates.length : null,
    maxHeartRate: heartRates.length > 0 ? maxOf(heartRates) : null,
  };
}

/**
 * Distance from the start at each point. The device's own cumulative distance is used when the file
 * has one (it is what the watch showed); otherwise haversine between consecutive positions. Nothing is
 * counted across a segment break (the recording was paused there).
 */
export function cumulativeDistances(points: readonly TrackPoint[]): Float64Array {
  const useDeviceDistance = points.some((p) => p.distance !== null);
  const cumulative = new Float64Array(points.length);
  let total = 0;
  let lastDeviceDistance: number | null = null;
  let lastPosition: TrackPoint | null = null;
  points.forEach((point, i) => {
    if (point.startsSegment) {
      lastDeviceDistance = null;
      lastPosition = null;
    }
    if (useDeviceDistance) {
      if (point.distance !== null) {
        if (lastDeviceDistance !== null) total += Math.max(0, point.distance - lastDeviceDistance);
        lastDeviceDistance = point.distance;
      }
    } else if (point.lat !== null && point.lon !== null) {
      const previous: TrackPoint | null = lastPosition;
      if (previous !== null) total += haversineMetres(previous.lat!, previous.lon!, point.lat, point.lon);
      lastPosition = point;
    }
    cumulative[i] = total;
  });
  return cumulative;
}

function movingTime(points: readonly TrackPoint[], cumulative: Float64Array): number {
  let moving = 0;
  let previous: { time: number; distance: number } | null = null;
  points.forEach((point, i) => {
    if (point.startsSegment) previous = null;
    if (point.time === null) return;
    const current = { time: point.time, distance: cumulative[i]! };
    if (previous !== null) {
      const seconds = (current.time - previous.time) / 1000;
      if (seconds > 0 && (current.distance - previous.distance) / seconds > MOVING_SPEED_THRESHOLD) moving += seconds;
    }
    previous = current;
  });
  return moving;
}

/**
 * Hysteresis: a climb counts once it rises ELEVATION_HYSTERESIS_M above the lowest point before it, and
 * ends once the track falls that much below its top; it then counts whole, valley to top. Wiggles
 * smaller than the threshold, up or down, neither start nor end a climb.
 */
export function elevationGain(points: readonly TrackPoint[]): number {
  let gain = 0;
  let valley: number | null = null;
  let top: number | null = null;
  for (const { elevation } of points) {
    if (elevation === null || !Number.isFinite(elevation)) continue;
    if (valley === null) {
      valley = elevation;
    } else if (top === null) {
      if (elevation < valley) valley = elevation;
      else if (elevation - valley >= ELEVATION_HYSTERESIS_M) top = elevation;
    } else if (elevation > top) {
      top = elevation;
    } else if (top - elevation >= ELEVATION_HYSTERESIS_M) {
      gain += top - valley;
      valley = elevation;
      top = null;
    }
  }
  if (valley !== null && top !== null) gain += top - valley;
  return gain;
}

/**
 * Best average speed over any stretch of at least MAX_SPEED_WINDOW_S. With the device's distance the
 * stretch's distance is its difference; from GPS alone it is the straight line between the stretch's
 * ends, so a point thrown off and back adds its offset once, not twice.
 */
function maxSpeed(points: readonly TrackPoint[], cumulative: Float64Array): number | null {
  const useDeviceDistance = points.some((p) => p.distance !== null);
  const timed = points.flatMap((p, i) => (p.time === null ? [] : [{ point: p, time: p.time, distance: cumulative[i]! }]));
  let best: number | null = null;
  let end = 0;
  for (let start = 0; start < timed.length; start++) {
    const from = timed[start]!;
    if (end < start) end = start;
    while (end < timed.length && timed[end]!.time - from.time < MAX_SPEED_WINDOW_S * 1000) end++;
    if (end >= timed.length) break;
    const to = timed[end]!;
    let metres: number | null = null;
    if (useDeviceDistance) metres = to.distance - from.distance;
    else if (from.point.lat !== null && from.point.lon !== null && to.point.lat !== null && to.point.lon !== null) {
      metres = haversineMetres(from.point.lat, from.point.lon, to.point.lat, to.point.lon);
    }
    if (metres === null || metres < 0) continue;
    const speed = metres / ((to.time - from.time) / 1000);
    if (best === null || speed > best) best = speed;
  }
  return best;
}

// Math.max(...array) overflows the stack on 200k values.
function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min;
}
