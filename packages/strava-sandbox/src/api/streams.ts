import type { Activity } from '../athletes/model.js';
import { haversine } from '../athletes/route-geometry.js';

export const STREAM_TYPES = ['time', 'distance', 'latlng', 'altitude', 'velocity_smooth', 'heartrate', 'cadence', 'moving', 'grade_smooth'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

interface Stream {
  type: StreamType;
  data: unknown[];
  series_type: 'distance';
  original_size: number;
  resolution: 'high';
}

/**
 * Streams sampled at the route's points (or 60 evenly spaced samples for activities without a
 * route), scaled so the last sample matches the activity's distance and moving time.
 */
export function activityStreams(activity: Activity, keys: StreamType[]): Stream[] {
  const points = activity.points;
  const count = points.length > 0 ? points.length : activity.manual ? 0 : 61;
  const raw: number[] = [0];
  for (let i = 1; i < count; i++) raw.push(raw[i - 1]! + (points.length > 0 ? haversine(points[i - 1]!, points[i]!) : 1));
  const scale = count > 1 && raw[count - 1]! > 0 ? activity.distance / raw[count - 1]! : 0;
  const distance = raw.map((value) => Math.round(value * scale * 10) / 10);
  const time = distance.map((value) => (activity.distance > 0 ? Math.round((value / activity.distance) * activity.movingTime) : 0));
  const speed = activity.movingTime > 0 ? activity.distance / activity.movingTime : 0;
  const build: Record<StreamType, () => unknown[] | undefined> = {
    time: () => time,
    distance: () => distance,
    latlng: () => (points.length > 0 ? points.map(([lat, lng]) => [lat, lng]) : undefined),
    altitude: () => (activity.elevations.length > 0 ? activity.elevations : undefined),
    velocity_smooth: () => distance.map((_, i) => Math.round(speed * (1 + 0.05 * Math.sin(i / 4)) * 1000) / 1000),
    heartrate: () => (activity.averageHeartrate !== undefined ? distance.map((_, i) => Math.round(activity.averageHeartrate! + 6 * Math.sin(i / 7))) : undefined),
    cadence: () => (activity.averageCadence !== undefined ? distance.map(() => Math.round(activity.averageCadence!)) : undefined),
    moving: () => distance.map(() => true),
    grade_smooth: () =>
      activity.elevations.length > 1
        ? activity.elevations.map((altitude, i) => {
            if (i === 0) return 0;
            const run = distance[i]! - distance[i - 1]!;
            return run > 0 ? Math.round(((altitude - activity.elevations[i - 1]!) / run) * 1000) / 10 : 0;
          })
        : undefined,
  };
  const streams: Stream[] = [];
  for (const type of keys) {
    const data = build[type]();
    if (data !== undefined && data.length > 0) streams.push({ type, data, series_type: 'distance', original_size: data.length, resolution: 'high' });
  }
  return streams;
}
