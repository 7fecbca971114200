// runnerly-strava: starts the Strava service alone (configuration from the environment, a few flags);
// `runnerly-strava migrate` only brings the database to the latest version.
import { Command } from 'commander';
import { migratedLine, SchemaNotCurrentError } from '@runnerly/database';
import { ConfigError, describeConfig, resolveOptions } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { STRAVA_OPTIONS, resolveStravaConfig } from '../config/options.js';
import { startStravaService } from '../server.js';
import { migrateStravaStores } from '../storage/migrate-all.js';

const program = new Command('runnerly-strava')
  .description("Runnerly's Strava service: links, imports, webhook")
  .option('--port <port>', 'port to listen on (STRAVA_PORT)')
  .option('--host <host>', 'address to listen on (STRAVA_HOST)')
  .option('--db <url>', 'database URL (STRAVA_DB)')
  .action(async (flags: { port?: string; host?: string; db?: string }) => {
    const config = configOrExit(() => resolveStravaConfig(process.env, flags));
    const logger = createServiceLogger('strava', config.logLevel);
    logger.info({ config: describeConfig(STRAVA_OPTIONS, config) }, 'starting');
    const service = await startStravaService(config, { logger });
    // Handlers first: whoever reads the line may signal at once.
    stopOnSignals(() => service.close(), logger);
    console.log(`runnerly-strava listening on ${service.url}`);
  });

program
  .command('migrate')
  .description('apply the database migrations (the job queue\'s too without STRAVA_REDIS_URL) and exit')
  .action(async () => {
    // Only the database settings matter here: the Strava credentials are not required.
    const config = configOrExit(() => resolveOptions(STRAVA_OPTIONS, process.env, program.opts()));
    let applied: string[];
    try {
      applied = await migrateStravaStores(config);
    } catch (error) {
      console.error(`runnerly-strava: migrate failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    console.log(`runnerly-strava: ${migratedLine(applied)}`);
  });

function configOrExit<Config>(resolve: () => Config): Config {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`runnerly-strava: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

try {
  await program.parseAsync();
} catch (error) {
  // A start refused for an out-of-date schema, or a bad variable read at start (SCHEMA_WAIT_MS): one line.
  if (!(error instanceof SchemaNotCurrentError || error instanceof ConfigError)) throw error;
  console.error(`runnerly-strava: ${error.message}`);
  process.exit(1);
}
