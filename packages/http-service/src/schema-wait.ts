// How a service started with <SERVICE>_MIGRATE_ON_START=false waits for its migrate job: up to
// SCHEMA_WAIT_MS (default 0: refuse at once), saying once in its log that it waits. Only a check
// without applying ever waits.
import type { Logger } from 'pino';
import { waitingForSchemaLine, type SchemaWaitOptions } from '@runnerly/database';
import { schemaWaitMs } from '@runnerly/service-config';

/**
 * The wait to give a store's `open` (throws ConfigError for a bad SCHEMA_WAIT_MS). One start logs
 * one line, even when it checks several stores (the Strava service: its tables, then the queue's).
 */
export function schemaWaitOptions(logger: Logger, env: NodeJS.ProcessEnv = process.env): Required<SchemaWaitOptions> {
  const waitMs = schemaWaitMs(env);
  let said = false;
  return {
    waitMs,
    onWaiting: (pending) => {
      if (said) return;
      said = true;
      logger.info({ pending, waitMs }, waitingForSchemaLine(pending, waitMs));
    },
  };
}
