// Locations inside the repository, derived from this compiled file (bench/dist/lib/paths.js),
// so the bench runs from any working directory and never hard-codes a machine path.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TOKENDEALER_BIN = fileURLToPath(new URL('../../../packages/tokendealer/bin/tokendealer.js', import.meta.url));
export const BARE_TOKEN_SERVER = fileURLToPath(new URL('./bare-token-server.js', import.meta.url));
export const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));
export const GATEWAY_BIN = fileURLToPath(new URL('../../../packages/gateway/bin/runnerly-gateway.js', import.meta.url));
/** The gateway's compiled limit stores (the package exports only its server), imported at run time. */
export const GATEWAY_LIMITS_URL = new URL('../../../packages/gateway/dist/src/limits/index.js', import.meta.url).href;
export const GATEWAY_REDIS_STORE_URL = new URL('../../../packages/gateway/dist/src/limits/redis-store.js', import.meta.url).href;
export const NGINX_CONF_TEMPLATE = fileURLToPath(new URL('../../nginx/nginx.conf.template', import.meta.url));
export const JSON_UPSTREAM_SERVER = fileURLToPath(new URL('./json-upstream-server.js', import.meta.url));
export const LIMITER_BENCH_CHILD = fileURLToPath(new URL('./limiter-bench-child.js', import.meta.url));
/** TokenDealer's compiled storage, PKCE, opaque tokens and password hasher (not exported by the package), imported at run time. */
export const TOKENDEALER_STORAGE_URL = new URL('../../../packages/tokendealer/dist/src/storage/index.js', import.meta.url).href;
export const TOKENDEALER_PKCE_URL = new URL('../../../packages/tokendealer/dist/src/oauth/pkce.js', import.meta.url).href;
export const TOKENDEALER_OPAQUE_TOKEN_URL = new URL('../../../packages/tokendealer/dist/src/tokens/opaque-token.js', import.meta.url).href;
export const TOKENDEALER_PASSWORD_HASHER_URL = new URL('../../../packages/tokendealer/dist/src/accounts/password-hasher.js', import.meta.url).href;
