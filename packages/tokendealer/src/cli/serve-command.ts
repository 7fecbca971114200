import { Command } from 'commander';
import { onParentGone } from '@runnerly/parent-watch';
import { OPTIONS } from '../config/options.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { addConfigOptions, configFrom } from './options.js';

export function serveCommand(): Command {
  return addConfigOptions(
    new Command('serve').description('run the authorization server (migrates the database and creates signing keys when needed)'),
    OPTIONS.map((option) => option.key),
  ).action(async (flags: Record<string, unknown>) => {
    const config = configFrom(flags);
    const logger = createLogger(config.logLevel);
    const server = await startServer(config, logger);
    let stopping = false;
    const stop = (why: { signal: string } | { reason: string }) => {
      if (stopping) return;
      stopping = true;
      logger.info(why, 'shutting down');
      // In-flight requests finish and the pool closes within the deadline, else exit anyway.
      setTimeout(() => {
        logger.error({ deadlineMs: config.stopDeadlineMs }, 'stop deadline passed; exiting');
        process.exit(1);
      }, config.stopDeadlineMs).unref();
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop({ signal: 'SIGINT' }));
    process.on('SIGTERM', () => stop({ signal: 'SIGTERM' }));
    // Started by the launcher, which may die without sending SIGTERM (SIGKILL, a crash).
    onParentGone(() => stop({ reason: 'parent process gone' }));
    // After the handlers: whoever reads the line may signal at once.
    process.stdout.write(`TokenDealer listening on ${server.url}${server.adminUrl ? ` (admin API on ${server.adminUrl})` : ''}\n`);
  });
}
