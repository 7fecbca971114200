import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { effectiveIssuer, type TokenDealerConfig } from './config/options.js';
import { TokenDealer, type TokenDealerOverrides } from './tokendealer.js';
import { buildPublicApp } from './http/public-app.js';
import { buildAdminApp } from './admin/admin-app.js';

export interface RunningServer {
  tokenDealer: TokenDealer;
  url: string;
  adminUrl: string | undefined;
  close(): Promise<void>;
}

function listeningUrl(app: FastifyInstance): { port: number } {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on TCP');
  return { port: address.port };
}

/** Opens the database, then serves the public port and, when an admin token is set, the admin port. */
export async function startServer(config: TokenDealerConfig, logger: Logger, overrides: TokenDealerOverrides = {}): Promise<RunningServer> {
  const tokenDealer = await TokenDealer.open(config, logger, overrides);
  const publicApp = buildPublicApp(tokenDealer);
  let adminApp: FastifyInstance | undefined;
  try {
    await publicApp.listen({ host: config.host, port: config.port });
    tokenDealer.setIssuer(effectiveIssuer(config, listeningUrl(publicApp).port));
    if (config.adminToken) {
      adminApp = buildAdminApp(tokenDealer, config.adminToken);
      await adminApp.listen({ host: config.adminHost, port: config.adminPort });
    }
  } catch (error) {
    await publicApp.close();
    await adminApp?.close();
    await tokenDealer.close();
    throw error;
  }
  const adminHost = config.adminHost.includes(':') ? `[${config.adminHost}]` : config.adminHost;
  return {
    tokenDealer,
    url: tokenDealer.issuer,
    adminUrl: adminApp ? `http://${adminHost}:${listeningUrl(adminApp).port}` : undefined,
    async close() {
      await Promise.all([publicApp.close(), adminApp?.close()]);
      await tokenDealer.close();
    },
  };
}
