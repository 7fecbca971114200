// The jobs of the Strava service, their payloads and dedupe keys.

/** One page of a runner's history per run, then back in line behind the other runners. */
export const HISTORY_JOB = 'strava.history';
/** New activities since the newest seen (when no webhook tells us). */
export const SWEEP_JOB = 'strava.sweep';
/** A webhook event about one activity. */
export const ACTIVITY_EVENT_JOB = 'strava.activity';
/** The athlete revoked access at Strava. */
export const DEAUTHORIZED_JOB = 'strava.deauthorized';

export interface LinkJob {
  sub: string;
  linkId: string;
}

export interface ActivityEventJob extends LinkJob {
  activityId: number;
  aspect: 'create' | 'update' | 'delete';
}

export interface DeauthorizedJob {
  athleteId: number;
}

export const historyKey = (sub: string): string => `history:${sub}`;
export const sweepKey = (sub: string): string => `sweep:${sub}`;
export const deauthorizedKey = (athleteId: number): string => `deauthorized:${athleteId}`;
