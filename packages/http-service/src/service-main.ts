// The body of every service's bin: configuration from the environment, JSON logs, one URL line on
// stdout once listening, a graceful stop on SIGTERM/SIGINT, and one clear line on a bad start.
// `<bin> migrate` (when the service gives `migrate`) only brings its database to the latest
// version and exits, so a release can migrate once (a job) before its replicas start.
import type { Logger } from 'pino';
import { migratedLine, SchemaNotCurrentError } from '@runnerly/database';
import { ConfigError, resolveOptions, type ConfigOf, type OptionTable } from '@runnerly/service-config';
import { createServiceLogger } from './logger.js';
import { stopOnSignals } from './serve.js';

export async function serviceMain<Table extends OptionTable>(options: {
  bin: string;
  service: string;
  table: Table;
  start: (config: ConfigOf<Table>, logger: Logger) => Promise<{ url: string; close(): Promise<void> }>;
  /** Applies the service's migrations (all the stores it migrates at start), closes the database and names what it applied. */
  migrate?: (config: ConfigOf<Table>, logger: Logger) => Promise<string[]>;
}): Promise<void> {
  try {
    const config = resolveOptions(options.table);
    const logger = createServiceLogger(options.service, (config as { logLevel?: string }).logLevel ?? 'info');
    if (options.migrate && process.argv[2] === 'migrate') {
      let applied: string[];
      try {
        applied = await options.migrate(config, logger);
      } catch (error) {
        // An operator's job log: the reason in one line, not a stack.
        process.stderr.write(`${options.bin}: migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      }
      process.stdout.write(`${options.bin}: ${migratedLine(applied)}\n`);
      return;
    }
    const running = await options.start(config, logger);
    // Handlers first: whoever reads the line may signal at once.
    stopOnSignals(() => running.close(), logger);
    process.stdout.write(`${options.bin} listening on ${running.url}\n`);
  } catch (error) {
    process.stderr.write(`${options.bin}: ${error instanceof ConfigError || error instanceof SchemaNotCurrentError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}

