/** The sports Runnerly keeps; the names are Strava's `sport_type` values. */
export type RunSport = 'Run' | 'TrailRun' | 'VirtualRun';

/** One run, shaped like the Strava summary activity fields the data service stores. */
export interface ParsedRun {
  /** 'sha256:' + hex of the activity file's bytes (decompressed): the run's identity for source 'file'. */
  external_id: string;
  /** The name as uploaded, or the path inside the archive. */
  file_name: string;
  name: string;
  description: string | null;
  sport_type: RunSport;
  /** ISO 8601 UTC without fractions, e.g. 2026-03-01T07:12:00Z. */
  start_date: string;
  /** Local wall time without offset (2026-03-01T08:12:00) when the file gives the local time, else null. */
  start_date_local: string | null;
  /** IANA zone when known; no supported format carries one, so null for now. */
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

export type FileOutcome =
  | { file: string; status: 'parsed'; run: ParsedRun }
  | { file: string; status: 'skipped'; reason: string }
  | { file: string; status: 'failed'; error: string };
