import type { Logger } from 'pino';
import { listen, schemaWaitOptions } from '@runnerly/http-service';
import { Sweeper } from '@runnerly/sweeper';
import { assertUsable, type DashboardConfig } from './config.js';
import { TokenDealerClient, type IssuedTokens } from './auth/token-dealer-client.js';
import { buildDashboardApp } from './dashboard-app.js';
import { emailSync } from './auth/email-sync.js';
import { SessionService } from './sessions/session-service.js';
import { SessionStore } from './storage/session-store.js';

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(config: DashboardConfig, logger: Logger, hooks: { onSignIn?: (tokens: IssuedTokens) => Promise<void> } = {}): Promise<RunningDashboard> {
  assertUsable(config);
  const store = await SessionStore.open(config.db, { apply: config.migrateOnStart, ...schemaWaitOptions(logger) });
  const tokenDealer = new TokenDealerClient({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: `${config.publicUrl}/auth/callback`,
    scopes: config.scopes,
  });
  const sessions = new SessionService(store, tokenDealer, config.sessionKey!, { session: config.sessionLifetime, idle: config.sessionIdleTimeout }, logger);
  const onSignIn =
    hooks.onSignIn ??
    (config.serviceClientId !== ''
      ? emailSync({ issuer: config.issuer, clientId: config.serviceClientId, clientSecret: config.serviceClientSecret, audience: config.dataServiceAudience, dataServiceUrl: config.dataServiceUrl })
      : undefined);
  const { app, metrics } = await buildDashboardApp(config, logger, sessions, () => store.ping(), onSignIn);
  const swept = metrics.counter('sweeper_deleted_rows_total', 'Expired rows deleted by the background sweeper, by table', ['table']);
  const sweeper = new Sweeper({
    tasks: store.expiredRowTasks(config.sessionIdleTimeout),
    intervalMs: config.sweepIntervalMs,
    logger,
    onDeleted: (table, rows) => swept.inc({ table }, rows),
  });
  sweeper.start();
  try {
    const url = await listen(app, config.host, config.port);
    return {
      url,
      async close() {
        await sweeper.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await sweeper.stop();
    await app.close();
    await store.close();
    throw error;
  }
}
