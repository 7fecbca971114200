import { InvalidScope } from './errors.js';

// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/**
 * The scopes granted for a request: the requested ones when every one is allowed, all allowed
 * ones when none are requested. An unknown scope is an error, never silently dropped.
 */
export function grantScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const scopes = requested.split(' ');
  if (scopes.some((scope) => !isScopeToken(scope))) throw new InvalidScope('scope is malformed');
  const unique = [...new Set(scopes)];
  const refused = unique.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  return unique;
}
