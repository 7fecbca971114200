// runnerly-dashboard: configuration from the environment (see README), one URL line on stdout.
import { ConfigError, resolveOptions } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { DASHBOARD_OPTIONS } from './config.js';
import { startDashboard } from './server.js';

try {
  const config = resolveOptions(DASHBOARD_OPTIONS);
  const logger = createServiceLogger('dashboard', config.logLevel);
  const running = await startDashboard(config, logger);
  process.stdout.write(`runnerly-dashboard listening on ${running.url}\n`);
  stopOnSignals(() => running.close(), logger);
} catch (error) {
  process.stderr.write(`runnerly-dashboard: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
