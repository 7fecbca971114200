// Locations inside the repository, derived from this compiled file (bench/dist/lib/paths.js),
// so the bench runs from any working directory and never hard-codes a machine path.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TOKENDEALER_BIN = fileURLToPath(new URL('../../../packages/tokendealer/bin/tokendealer.js', import.meta.url));
export const BARE_TOKEN_SERVER = fileURLToPath(new URL('./bare-token-server.js', import.meta.url));
export const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));
