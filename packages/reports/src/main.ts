// runnerly-reports            serve the API and build and mail reports in the background
// runnerly-reports migrate      bring the database to the latest version and exit
// runnerly-reports build YYYY-MM   ask the running service(s) to build a month now (again, for a month already built: mail is never sent twice)
import { migrateDatabase, migratedLine, SchemaNotCurrentError } from '@runnerly/database';
import { ConfigError, resolveOptions } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { REPORTS_OPTIONS } from './config.js';
import { startReports } from './server.js';
import { MIGRATIONS, ReportStore } from './storage/report-store.js';
import { lastCompletedMonth, MONTH_PATTERN } from './report/months.js';

try {
  const config = resolveOptions(REPORTS_OPTIONS);
  const [command, month] = process.argv.slice(2);
  if (command === 'build') {
    if (!month || !new RegExp(MONTH_PATTERN).test(month)) throw new ConfigError('usage: runnerly-reports build YYYY-MM');
    // A month still running would be mailed half done, and never again once it has ended.
    const last = lastCompletedMonth(new Date());
    if (month > last) throw new ConfigError(`${month} has not ended everywhere yet: the newest month to build is ${last}`);
    const store = await ReportStore.open(config.db);
    await store.requestMonth(month, Date.now());
    await store.close();
    process.stdout.write(`month ${month} will be built at the service's next tick\n`);
  } else if (command === 'migrate') {
    let applied: string[];
    try {
      applied = await migrateDatabase(config.db, MIGRATIONS);
    } catch (error) {
      throw new ConfigError(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.stdout.write(`runnerly-reports: ${migratedLine(applied)}\n`);
  } else if (command === undefined || command === 'serve') {
    if (config.clientId === '' || config.clientSecret === '') throw new ConfigError('REPORTS_SERVICE_CLIENT_ID and REPORTS_SERVICE_CLIENT_SECRET must be set');
    const logger = createServiceLogger('reports', config.logLevel);
    const running = await startReports(config, logger);
    // Handlers first: whoever reads the line may signal at once.
    stopOnSignals(() => running.close(), logger);
    process.stdout.write(`runnerly-reports listening on ${running.url}\n`);
    void running.tick();
  } else {
    throw new ConfigError(`unknown command ${command}: use serve, migrate or build YYYY-MM`);
  }
} catch (error) {
  process.stderr.write(`runnerly-reports: ${error instanceof ConfigError || error instanceof SchemaNotCurrentError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
