// The Strava service's tables. Times are epoch seconds unless named otherwise.
import type { Generated } from 'kysely';

export interface LinksTable {
  /** The runner (TokenDealer subject). */
  sub: string;
  athlete_id: number;
  /** New for each link: jobs queued for an earlier link of the runner do nothing. */
  link_id: string;
  /** Scopes the athlete granted, comma-separated as Strava writes them. */
  scopes: string;
  /** AES-256-GCM, bound to the row (see crypto/token-cipher.ts). */
  access_token: string;
  refresh_token: string;
  expires_at: number;
  /** Bumped by each refresh: the compare-and-set that keeps concurrent refreshes from losing one. */
  token_version: number;
  /** Epoch ms until which one worker holds the right to refresh. */
  refresh_lock_until: number | null;
  linked_at: number;
  /** History import cursor: the `before` of the next page; null before the first page. */
  history_before: number | null;
  history_done: number;
  /** Runs found in the whole history, once it has been read to the end. */
  total: number | null;
  /** Start of the newest activity seen: the `after` of the next sweep. */
  newest_start: number | null;
  last_error: string | null;
  last_sync_at: number | null;
  /** Set while the importer waits for a Strava rate-limit window to reset. */
  paused_until: number | null;
}

export interface LinkStatesTable {
  /** SHA-256 of the state: a database reader cannot complete someone's link. */
  state_hash: string;
  sub: string;
  return_to: string;
  expires_at: number;
}

/** The runs this service has put in the data service, per runner: the status counts them exactly, however often a page or an event is applied. */
export interface ImportedRunsTable {
  sub: string;
  strava_id: string;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface StravaDatabase {
  strava_links: LinksTable;
  strava_link_states: LinkStatesTable;
  strava_imported_runs: ImportedRunsTable;
  strava_settings: SettingsTable;
}

export type { Generated };
