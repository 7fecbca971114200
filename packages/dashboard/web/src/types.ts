// The shapes of the public API the pages read (see each service's /openapi.json).
export interface Profile {
  id: string;
  display_name: string | null;
  timezone: string;
  units: 'km' | 'mi';
  birth_year: number | null;
  weight_kg: number | null;
  max_heartrate: number | null;
  resting_heartrate: number | null;
  email: string | null;
  report_emails: boolean;
}

export interface Run {
  id: string;
  name: string;
  description: string | null;
  sport_type: string;
  start_date: string;
  start_date_local: string | null;
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
  source: 'strava' | 'file' | 'manual';
  strava_id: string | null;
}

export interface Totals {
  start: string;
  distance: number;
  moving_time: number;
  count: number;
  elevation_gain: number;
}

export interface Race {
  id: string;
  name: string;
  date: string;
  distance: number;
  location: string | null;
  url: string | null;
  entrants: number;
  entered: boolean;
}

export interface PlanSession {
  date: string;
  kind: string;
  title: string;
  description: string;
  distance: number;
  matched: boolean | null;
}

export interface Plan {
  id: string;
  template: { id: string; name: string };
  race: { id: string; name: string; date: string; distance: number };
  today: string;
  current_week: number | null;
  weeks: { index: number; start: string; phase: string; distance: number; sessions: PlanSession[] }[];
}

export interface Template {
  id: string;
  name: string;
  race: string;
  level: string;
  weeks: number;
  min_weeks: number;
  description: string;
}
