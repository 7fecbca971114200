// Public surface of the gateway package: configuration loading and the gateway server.
// The limit algorithms and stores, and the firewall, have their own entry points (src/limits, src/waf).
export { ConfigError } from './config/errors.js';
export { configFromObject, loadConfigFile, parseConfig } from './config/load.js';
export type {
  FirewallSettings,
  GatewayConfig,
  LimitKeySpec,
  LogLevel,
  RouteAuth,
  RouteConfig,
  RouteLimit,
  StoreConfig,
  WafMode,
} from './config/types.js';
export { parseDuration, parseRate } from './config/units.js';
export { Gateway, type GatewayOptions } from './server/gateway.js';
