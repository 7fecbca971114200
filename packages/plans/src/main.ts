// runnerly-plans: configuration from the environment (see README), one URL line on stdout.
import { ConfigError, resolveOptions } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { PLANS_OPTIONS } from './config.js';
import { startPlans } from './server.js';

try {
  const config = resolveOptions(PLANS_OPTIONS);
  const logger = createServiceLogger('plans', config.logLevel);
  const running = await startPlans(config, logger);
  process.stdout.write(`runnerly-plans listening on ${running.url}\n`);
  stopOnSignals(() => running.close(), logger);
} catch (error) {
  process.stderr.write(`runnerly-plans: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
