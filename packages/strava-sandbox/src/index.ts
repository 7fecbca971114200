export { createStravaSandbox, DEFAULT_HOST, DEFAULT_PORT, type StravaSandbox } from './sandbox.js';
export { SandboxConfigError, type StravaSandboxOptions } from './options.js';
export type { SandboxClient } from './oauth/clients.js';
export { STRAVA_SCOPES, type StravaScope } from './oauth/scopes.js';
export { STRAVA_DEFAULT_RATE_LIMITS, type RateLimits, type LimitPair } from './rate-limits/usage-meter.js';
export type { SeedOptions, AthleteSeed } from './athletes/seed.js';
export type { ActivityInput, SportType } from './athletes/model.js';
export { AdminError, type SandboxAdmin, type AthleteCredentials, type ScriptedAuthorization } from './admin/admin.js';
export type { WebhookEvent, Delivery, DeliveryAttempt } from './webhooks/event-delivery.js';
