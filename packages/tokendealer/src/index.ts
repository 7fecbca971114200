export { resolveConfig, DEFAULT_CONFIG, OPTIONS, ConfigError, type TokenDealerConfig } from './config/options.js';
export { startServer, type RunningServer } from './server.js';
export { TokenDealer, openInstallation, ENDPOINT_PATHS } from './tokendealer.js';
export { createLogger } from './logger.js';
export { issueAccessToken } from './tokens/jwt-access-token.js';
