// Parsers for configuration values: each takes the raw text and the name it came from (an
// environment variable or a flag) and returns the typed value, or throws a ConfigError that says
// what was expected. Secret values are never echoed in errors.
import { isIP } from 'node:net';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Parser<T> = (raw: string, name: string) => T;

export const text: Parser<string> = (raw) => raw;

export const nonEmpty: Parser<string> = (raw, name) => {
  if (raw.trim() === '') throw new ConfigError(`${name} must not be empty`);
  return raw;
};

export function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

export const port: Parser<number> = integer(0, 65535);

export const boolean: Parser<boolean> = (raw, name) => {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
};

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw, name) => {
    if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };
}

export const logLevel = oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** An http(s) URL without query or fragment, trailing slashes removed; empty means unset. */
export const httpUrl: Parser<string | undefined> = (raw, name) => {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${name} must be an http(s) URL without credentials, query or fragment, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

export const requiredHttpUrl: Parser<string> = (raw, name) => {
  const url = httpUrl(raw, name);
  if (url === undefined) throw new ConfigError(`${name} must be set`);
  return url;
};

/** sqlite:PATH or a PostgreSQL URL (which may carry a password: never echoed). */
export const databaseUrl: Parser<string> = (raw, name) => {
  if (!/^(sqlite:.+|postgres:\/\/.+|postgresql:\/\/.+)$/.test(raw)) throw new ConfigError(`${name} must be sqlite:PATH or postgres://USER@HOST:PORT/DB`);
  return raw;
};

export const optionalRedisUrl: Parser<string | undefined> = (raw, name) => {
  if (raw === '') return undefined;
  if (!/^rediss?:\/\/.+/.test(raw)) throw new ConfigError(`${name} must be a redis:// or rediss:// URL`);
  return raw;
};

/** A secret of at least `minLength` characters; empty means unset. */
export function secret(minLength = 32): Parser<string | undefined> {
  return (raw, name) => {
    if (raw === '') return undefined;
    if (raw.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters long`);
    return raw;
  };
}

/** A secret sent as `Authorization: Bearer`: only characters a bearer header can carry. */
export const bearerToken: Parser<string | undefined> = (raw, name) => {
  const token = secret(32)(raw, name);
  if (token !== undefined && !/^[\x21-\x7e]{32,512}$/.test(token)) {
    throw new ConfigError(`${name} must be 32 to 512 printable ASCII characters without spaces (it is sent as a bearer token)`);
  }
  return token;
};

/** Comma-separated IPv4/IPv6 addresses or CIDR ranges; a zero prefix (everyone) is refused. */
export const ipRanges: Parser<string[]> = (raw, name) => {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = /^[0-9a-fA-F.:]+$/.test(address) ? isIP(address) : 0;
    const fits = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128));
    if (family === 0 || !fits || rest.length > 0) {
      throw new ConfigError(`${name} must be a comma-separated list of IPv4 or IPv6 addresses or CIDR ranges, got "${entry}"`);
    }
  }
  return entries;
};

/** Comma- or space-separated words. */
export const words: Parser<string[]> = (raw) => raw.split(/[\s,]+/).filter(Boolean);
