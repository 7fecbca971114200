// The token key: from STRAVA_TOKEN_KEY (32 bytes as base64 or hex), or from the file
// STRAVA_TOKEN_KEY_FILE names, which outside production is generated on first start (mode 0600), so development needs no setup and keeps working
// across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '@runnerly/service-config';

export function parseTokenKey(raw: string, name: string): Buffer {
  const value = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (key === undefined || key.length !== 32) throw new ConfigError(`${name} must be 32 bytes written as 64 hex digits or base64`);
  return key;
}

export function loadTokenKey(options: { tokenKey: string | undefined; tokenKeyFile: string }, env: NodeJS.ProcessEnv = process.env): { key: Buffer; generated: boolean } {
  if (options.tokenKey !== undefined) return { key: parseTokenKey(options.tokenKey, 'STRAVA_TOKEN_KEY'), generated: false };
  const path = resolve(options.tokenKeyFile);
  // In production the key comes from the environment or from a file given explicitly (a mounted
  // secret, as NAME_FILE is for every other secret); it is never generated there.
  if (env.NODE_ENV === 'production') {
    if (env.STRAVA_TOKEN_KEY_FILE && existsSync(path)) return { key: parseTokenKey(readFileSync(path, 'utf8'), 'STRAVA_TOKEN_KEY_FILE'), generated: false };
    throw new ConfigError('STRAVA_TOKEN_KEY or STRAVA_TOKEN_KEY_FILE must be set in production (32 bytes, base64 or hex)');
  }
  if (existsSync(path)) return { key: parseTokenKey(readFileSync(path, 'utf8'), path), generated: false };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key: parseTokenKey(readFileSync(path, 'utf8'), path), generated: true };
}
