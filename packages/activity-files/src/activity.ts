import type { RunSport } from './types.js';

/** One recorded sample, whatever the format. Missing values are null. */
export interface TrackPoint {
  /** Epoch milliseconds. */
  time: number | null;
  lat: number | null;
  lon: number | null;
  /** Metres above sea level. */
  elevation: number | null;
  heartRate: number | null;
  /** Cumulative distance recorded by the device (TCX DistanceMeters, FIT distance), metres. */
  distance: number | null;
  /** True for the first point of a GPX trkseg / TCX Track after the first: recording was paused before it. */
  startsSegment: boolean;
}

/** Totals a file states itself (TCX laps, FIT session); they win over what the track gives. */
export interface StatedTotals {
  startTime?: number;
  elapsedTime?: number;
  movingTime?: number;
  distance?: number;
  elevationGain?: number;
  maxSpeed?: number;
  averageHeartRate?: number;
  maxHeartRate?: number;
}

/** The sport a file declares: a run, or something else named as the file names it. */
export type DeclaredSport = { run: RunSport } | { other: string };

/** What a format parser extracts; turned into a ParsedRun by run-record.ts. */
export interface Activity {
  format: 'GPX' | 'TCX' | 'FIT';
  sport: DeclaredSport;
  name: string | null;
  description: string | null;
  points: TrackPoint[];
  totals: StatedTotals;
  /** Offset of local time from UTC in seconds, when the file gives it (FIT activity.local_timestamp). */
  utcOffsetSeconds: number | null;
}

export function emptyPoint(): TrackPoint {
  return { time: null, lat: null, lon: null, elevation: null, heartRate: null, distance: null, startsSegment: false };
}
