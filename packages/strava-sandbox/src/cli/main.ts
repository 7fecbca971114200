import { onParentGone } from '@runnerly/parent-watch';
import { configFromEnv } from './env-config.js';
import { createLogger } from '../logger.js';
import { createStravaSandbox } from '../sandbox.js';
import { SandboxConfigError } from '../options.js';

try {
  const config = configFromEnv();
  const logger = createLogger(config.logLevel);
  const sandbox = createStravaSandbox({ ...config.options, logger });
  const url = await sandbox.listen({ host: config.host, port: config.port });
  let stopping = false;
  const stop = (why: { signal: string } | { reason: string }) => {
    if (stopping) return;
    stopping = true;
    logger.info(why, 'shutting down');
    sandbox.close().then(
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
  process.stdout.write(`Strava sandbox listening on ${url} (OAuth ${url}/oauth, API ${url}/api/v3, admin ${url}/_sandbox)\n`);
} catch (error) {
  console.error(`runnerly-strava-sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof SandboxConfigError ? 2 : 1);
}
