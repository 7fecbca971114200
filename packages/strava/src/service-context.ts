// Everything the routes and jobs of one running Strava service share.
import type { JobQueue } from '@runnerly/job-queue';
import type { Logger } from 'pino';
import type { StravaServiceConfig } from './config/options.js';
import type { DataServiceClient } from './data-service/data-service-client.js';
import type { RateBudget } from './rate-limits/rate-budget.js';
import type { LinkStateStore } from './storage/link-state-store.js';
import type { ImportedRunStore } from './storage/imported-run-store.js';
import type { LinkStore } from './storage/link-store.js';
import type { SettingsStore } from './storage/settings-store.js';
import type { StravaClient } from './strava-client/strava-client.js';
import type { AthleteTokens } from './tokens/athlete-tokens.js';

export interface ServiceContext {
  config: StravaServiceConfig;
  links: LinkStore;
  importedRuns: ImportedRunStore;
  states: LinkStateStore;
  settings: SettingsStore;
  tokens: AthleteTokens;
  strava: StravaClient;
  data: DataServiceClient;
  queue: JobQueue;
  budget: RateBudget;
  /** Epoch ms. */
  clock: () => number;
  logger: Logger;
}
