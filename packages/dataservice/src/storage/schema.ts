// The data service's tables, as Kysely sees them. Times are epoch seconds (start_time) or ISO 8601
// UTC text (created_at, updated_at); booleans are 0/1 integers so both backends read them alike.
export interface ProfileTable {
  sub: string;
  display_name: string | null;
  timezone: string;
  units: 'km' | 'mi';
  birth_year: number | null;
  weight_kg: number | null;
  max_heartrate: number | null;
  resting_heartrate: number | null;
  email: string | null;
  report_emails: number;
  created_at: string;
  updated_at: string;
}

export interface RunTable {
  id: string;
  user_sub: string;
  source: 'strava' | 'file' | 'manual';
  /** The run's identity within its source: the Strava id, the file's sha256, or the run id for manual runs. */
  source_key: string;
  strava_id: string | null;
  name: string;
  description: string | null;
  sport_type: string;
  /** start_date as epoch seconds: what the month, totals and paging queries range over. */
  start_time: number;
  start_date_local: string;
  timezone: string;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed: number | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
  summary_polyline: string | null;
  created_at: string;
  updated_at: string;
}

export interface RaceTable {
  id: string;
  name: string;
  /** YYYY-MM-DD: a race happens on a calendar day wherever it is. */
  date: string;
  distance: number;
  location: string | null;
  url: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface RaceEntryTable {
  race_id: string;
  user_sub: string;
  created_at: string;
}

export interface DataServiceDatabase {
  profiles: ProfileTable;
  runs: RunTable;
  races: RaceTable;
  race_entries: RaceEntryTable;
}

