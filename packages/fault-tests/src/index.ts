export { startCluster, type Cluster, type ClusterOptions } from './cluster.js';
export { runLoad, statusesByPhase, failureCode, type Outcome, type InFlight, type RunningLoad, type Step } from './load.js';
export { signInTokens, tokenRequest, type WebApp, type TokenAnswer } from './oauth-flow.js';
export { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
export { startPrivateRedis, type PrivateRedis } from './private-redis.js';
export { ServiceProcess, binOf } from './service-process.js';
export { tokenDealerCli } from './tokendealer-cli.js';
