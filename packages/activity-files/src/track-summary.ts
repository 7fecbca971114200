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
  const timed = points.map((p, i) => ({ time: p.time, distance: cumulative[i]! })).filter((p) => p.time !== null) as {
    time: number;
    distance: number;
  }[];
  const times = timed.map((p) => p.time);
  const elapsedTime = times.length > 0 ? (maxOf(times) - minOf(times)) / 1000 : null;
  const hasDistance = points.some((p) => p.distance !== null || p.lat !== null);
  const heartRates = points.map((p) => p.heartRate).filter((hr): hr is number => hr !== null && hr > 0);
  return {
    startTime: times.length > 0 ? minOf(times) : null,
    elapsedTime,
    movingTime: hasDistance ? movingTime(points, cumulative) : elapsedTime,
    distance: cumulative.length > 0 ? cumulative[cumulative.length - 1]! : 0,
    elevationGain: elevationGain(points),
    maxSpeed: hasDistance ? maxSpeed(timed) : null,
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

/** Hysteresis: a rise counts only once it is ELEVATION_HYSTERESIS_M above the lowest point since the last counted rise. */
export function elevationGain(points: readonly TrackPoint[]): number {
  let gain = 0;
  let reference: number | null = null;
  for (const { elevation } of points) {
    if (elevation === null || !Number.isFinite(elevation)) continue;
    if (reference === null || elevation < reference) {
      reference = elevation;
    } else if (elevation - reference >= ELEVATION_HYSTERESIS_M) {
      gain += elevation - reference;
      reference = elevation;
    }
  }
  return gain;
}

function maxSpeed(timed: readonly { time: number; distance: number }[]): number | null {
  let best: number | null = null;
  let end = 0;
  for (let start = 0; start < timed.length; start++) {
    const from = timed[start]!;
    if (end < start) end = start;
    while (end < timed.length && timed[end]!.time - from.time < MAX_SPEED_WINDOW_S * 1000) end++;
    if (end >= timed.length) break;
    const to = timed[end]!;
    const speed = (to.distance - from.distance) / ((to.time - from.time) / 1000);
    if (speed >= 0 && (best === null || speed > best)) best = speed;
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
