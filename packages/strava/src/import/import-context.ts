// What the import jobs share.
import type { Logger } from 'pino';
import type { DataServiceClient } from '../data-service/data-service-client.js';
import type { ImportedRunStore } from '../storage/imported-run-store.js';
import type { LinkStore } from '../storage/link-store.js';
import type { StravaClient } from '../strava-client/strava-client.js';
import type { AthleteTokens } from '../tokens/athlete-tokens.js';

export interface ImportContext {
  links: LinkStore;
  importedRuns: ImportedRunStore;
  tokens: AthleteTokens;
  strava: StravaClient;
  data: DataServiceClient;
  /** Epoch ms. */
  clock: () => number;
  logger: Logger;
}
