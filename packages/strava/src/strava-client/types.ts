// The parts of Strava's API v3 representations Runnerly reads (fields it ignores are left out).

/** `POST /oauth/token` answer (authorization_code and refresh_token grants). */
export interface StravaTokenResponse {
  token_type: string;
  access_token: string;
  refresh_token: string;
  /** Epoch seconds. */
  expires_at: number;
  expires_in: number;
  /** Only with the authorization_code grant. */
  athlete?: StravaSummaryAthlete;
}

export interface StravaSummaryAthlete {
  id: number;
  username?: string | null;
  firstname?: string | null;
  lastname?: string | null;
}

export interface StravaMap {
  id?: string;
  summary_polyline?: string | null;
  polyline?: string | null;
}

/** An item of `GET /athlete/activities` (resource_state 2). */
export interface StravaSummaryActivity {
  id: number;
  name: string;
  /** Deprecated coarse type; `sport_type` decides. */
  type?: string;
  sport_type: string;
  start_date: string;
  start_date_local?: string | null;
  /** "(GMT+01:00) Europe/Paris". */
  timezone?: string | null;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  average_speed: number;
  max_speed?: number | null;
  average_heartrate?: number | null;
  max_heartrate?: number | null;
  map?: StravaMap | null;
  manual?: boolean;
  private?: boolean;
  gear_id?: string | null;
}

/** `GET /activities/{id}` (resource_state 3): the summary plus a description and more. */
export interface StravaDetailedActivity extends StravaSummaryActivity {
  description?: string | null;
  calories?: number;
}

/** `GET`/`POST /push_subscriptions`. */
export interface StravaPushSubscription {
  id: number;
  callback_url?: string;
}

/** Strava's error body. */
export interface StravaFaultBody {
  message?: string;
  errors?: Array<{ resource?: string; field?: string; code?: string }>;
}

/** The body Strava POSTs to the webhook callback. */
export interface StravaWebhookEvent {
  object_type: 'activity' | 'athlete';
  object_id: number;
  aspect_type: 'create' | 'update' | 'delete';
  updates?: Record<string, string>;
  owner_id: number;
  subscription_id: number;
  event_time: number;
}
