// runnerly-strava: starts the Strava service alone (configuration from the environment, a few flags).
import { Command } from 'commander';
import { ConfigError, describeConfig } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { STRAVA_OPTIONS, resolveStravaConfig } from '../config/options.js';
import { startStravaService } from '../server.js';

const program = new Command('runnerly-strava')
  .description("Runnerly's Strava service: links, imports, webhook")
  .option('--port <port>', 'port to listen on (STRAVA_PORT)')
  .option('--host <host>', 'address to listen on (STRAVA_HOST)')
  .option('--db <url>', 'database URL (STRAVA_DB)')
  .action(async (flags: { port?: string; host?: string; db?: string }) => {
    let config;
    try {
      config = resolveStravaConfig(process.env, flags);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`runnerly-strava: ${error.message}`);
        process.exit(2);
      }
      throw error;
    }
    const logger = createServiceLogger('strava', config.logLevel);
    logger.info({ config: describeConfig(STRAVA_OPTIONS, config) }, 'starting');
    const service = await startStravaService(config, { logger });
    console.log(service.url);
    stopOnSignals(() => service.close(), logger);
  });

await program.parseAsync();
