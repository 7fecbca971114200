// A Strava activity as the data service imports it (PUT /internal/users/{sub}/runs).
export const RUN_SPORT_TYPES = ['Run', 'TrailRun', 'VirtualRun'] as const;
export type RunSportType = (typeof RUN_SPORT_TYPES)[number];

export interface ImportedRun {
  source: 'strava';
  strava_id: string;
  name: string;
  description: string | null;
  sport_type: RunSportType;
  /** YYYY-MM-DDTHH:MM:SSZ */
  start_date: string;
  /** YYYY-MM-DDTHH:MM:SS, the runner's wall clock. */
  start_date_local: string | null;
  /** IANA zone. */
  timezone: string | null;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed: number | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
  summary_polyline: string | null;
}
