// How a call to Strava can fail, each kind named for what the caller does about it.
import type { StravaFaultBody } from './types.js';

export class StravaError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: StravaFaultBody | undefined,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401: the access token is expired or revoked (refresh it once, then the link is gone). */
export class StravaUnauthorizedError extends StravaError {}

/** 429: over a rate limit; `resetAt` (epoch ms) is when the exhausted window ends. */
export class StravaRateLimitedError extends StravaError {
  constructor(
    message: string,
    readonly resetAt: number,
    body: StravaFaultBody | undefined,
  ) {
    super(message, 429, body);
  }
}

/** 404: the activity (or resource) is gone or not visible to this token. */
export class StravaNotFoundError extends StravaError {}

/** 400 from the token endpoint: the code or refresh token is not (or no longer) valid. */
export class StravaGrantError extends StravaError {}

/** No usable answer: a timeout, a refused connection, a 5xx or a body that is not what Strava sends. Worth retrying later. */
export class StravaUnavailableError extends StravaError {}

/** Strava's message and the fields it names, for logs and the runner's status (never a token). */
export function describeFault(status: number, body: StravaFaultBody | undefined): string {
  const fields = (body?.errors ?? []).map((error) => [error.resource, error.field, error.code].filter(Boolean).join(' ')).join('; ');
  return `Strava answered ${status}${body?.message ? ` ${body.message}` : ''}${fields ? ` (${fields})` : ''}`;
}
