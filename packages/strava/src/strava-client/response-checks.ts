// Strava's answers are checked for the fields Runnerly relies on before they are used: a body that
// lacks them is an unusable answer (retried later), never a half-imported run.
import { StravaUnavailableError } from './errors.js';
import type { StravaDetailedActivity, StravaPushSubscription, StravaSummaryActivity, StravaSummaryAthlete, StravaTokenResponse } from './types.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function unusable(what: string): never {
  throw new StravaUnavailableError(`Strava answered an unusable ${what}`, 200, undefined);
}

export function checkTokenResponse(body: unknown): StravaTokenResponse {
  if (
    !isObject(body) ||
    typeof body.access_token !== 'string' ||
    typeof body.refresh_token !== 'string' ||
    typeof body.expires_at !== 'number' ||
    (body.token_type !== undefined && String(body.token_type).toLowerCase() !== 'bearer')
  ) {
    unusable('token response');
  }
  if (body.athlete !== undefined) checkAthlete(body.athlete);
  return body as unknown as StravaTokenResponse;
}

export function checkAthlete(body: unknown): StravaSummaryAthlete {
  if (!isObject(body) || !Number.isSafeInteger(body.id)) unusable('athlete');
  return body as unknown as StravaSummaryAthlete;
}

export function checkActivity(body: unknown): StravaDetailedActivity {
  if (!isObject(body) || !Number.isSafeInteger(body.id) || typeof body.start_date !== 'string' || typeof (body.sport_type ?? body.type) !== 'string') unusable('activity');
  return body as unknown as StravaDetailedActivity;
}

export function checkActivityList(body: unknown): StravaSummaryActivity[] {
  if (!Array.isArray(body)) unusable('activity list');
  return body.map(checkActivity);
}

export function checkSubscriptionList(body: unknown): StravaPushSubscription[] {
  if (!Array.isArray(body) || !body.every((item) => isObject(item) && typeof item.id === 'number')) unusable('subscription list');
  return body as StravaPushSubscription[];
}
