export { startStravaService, type RunningStravaService, type StartOptions } from './server.js';
export { STRAVA_OPTIONS, resolveStravaConfig, completeConfig, redirectUri, type StravaServiceConfig } from './config/options.js';
export { StravaClient, MAX_PER_PAGE, type StravaClientOptions, type ListActivitiesQuery, type CallOptions } from './strava-client/strava-client.js';
export * from './strava-client/errors.js';
export type * from './strava-client/types.js';
export { readRateLimitHeaders, type RateLimitReading } from './strava-client/rate-limit-headers.js';
export { RateBudget } from './rate-limits/rate-budget.js';
export { toImportedRun, isRun } from './import/activity-to-run.js';
export type { ImportedRun } from './import/imported-run.js';
