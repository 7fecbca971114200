// Listening and stopping: a service prints one URL line on stdout once it listens, and on SIGTERM
// or SIGINT, or once the supervisor that started it is gone, stops taking connections, lets
// in-flight requests finish, then closes what it holds.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { onParentGone } from '@runnerly/parent-watch';
import { stopDeadlineMs } from '@runnerly/service-config';

export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shownHost}:${address.port}`;
}

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, or when the supervisor that started this
 * process with an IPC channel is gone (see @runnerly/parent-watch), then exits; a second signal,
 * or `stop` taking longer than `deadlineMs` (default STOP_DEADLINE_MS, 10 s), exits at once with
 * status 1. The parent going away while a stop runs does not cut it short.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger, deadlineMs = stopDeadlineMs()): void {
  let stopping = false;
  const beginStop = (why: { signal: NodeJS.Signals } | { reason: 'parent process gone' }): void => {
    stopping = true;
    logger.info(why, 'stopping');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'stop deadline passed; exiting');
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    stop().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    beginStop({ signal });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  onParentGone(() => {
    if (!stopping) beginStop({ reason: 'parent process gone' });
  });
}
