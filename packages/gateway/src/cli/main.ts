// runnerly-gateway --config FILE [--check]
// Prints one line with its URL once listening; logs go to stderr as JSON lines.
// SIGHUP reloads the file (an invalid file is logged and the running configuration kept);
// SIGTERM and SIGINT close gracefully, and so does the supervisor that started it going away (see
// @runnerly/parent-watch; the launcher may die by SIGKILL or crash).
import { Command, CommanderError } from 'commander';
import { onParentGone } from '@runnerly/parent-watch';
import { ConfigError } from '../config/errors.js';
import { loadConfigFile } from '../config/load.js';
import { Gateway } from '../server/gateway.js';
import { stopDeadlineMs } from './stop-deadline.js';

const program = new Command('runnerly-gateway')
  .description("Runnerly's edge gateway: firewall, rate and concurrency limits, token checks and a reverse proxy")
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .option('--check', 'validate the configuration file and exit')
  .exitOverride();

async function main(): Promise<void> {
  program.parse(process.argv);
  const options = program.opts<{ config: string; check?: boolean }>();
  const config = await loadConfigFile(options.config);
  if (options.check) {
    console.log(`configuration ${options.config} is valid: ${config.routes.length} route(s)`);
    return;
  }

  const gateway = new Gateway(config);
  // Signals are handled from the start: listen() may wait seconds for Redis, and a SIGHUP with no
  // handler would kill the process. A reload asked for meanwhile runs once the gateway listens.
  let listening: () => void = () => {};
  let reloading = new Promise<void>((resolve) => (listening = resolve));
  process.on('SIGHUP', () => {
    // Reloads run one after another, so the last signal's file wins.
    reloading = reloading.then(async () => {
      try {
        gateway.reload(await loadConfigFile(options.config));
      } catch (error) {
        gateway.logger.error(
          { event: 'reload-failed', issues: error instanceof ConfigError ? error.issues : undefined, err: error instanceof ConfigError ? undefined : error },
          'reload failed; the running configuration is kept',
        );
      }
    });
  });

  const deadlineMs = stopDeadlineMs(process.env);
  let closing = false;
  const shutdown = (why: { signal: string } | { reason: string }): void => {
    closing = true;
    gateway.logger.info({ event: 'shutdown', ...why }, 'closing');
    // In-flight requests finish within STOP_DEADLINE_MS (the services' variable), else exit anyway.
    setTimeout(() => {
      gateway.logger.error({ event: 'shutdown', deadlineMs }, 'stop deadline passed; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`runnerly-gateway: closing failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', (signal) => shutdown({ signal }));
  process.once('SIGINT', (signal) => shutdown({ signal }));
  onParentGone(() => {
    if (!closing) shutdown({ reason: 'parent process gone' });
  });

  const url = await gateway.listen();
  console.log(`runnerly-gateway listening on ${url}`);
  listening();
}

try {
  await main();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`runnerly-gateway: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
