import { BadRequest } from './web-errors.js';

export const RETURN_TO_MAX_LENGTH = 1024;

/** "//host" and "/\host": browsers read both as another host. */
function startsLikeAnotherHost(path: string): boolean {
  return path.startsWith('//') || path.startsWith('/\\');
}

function hasControlOrBackslash(value: string): boolean {
  return [...value].some((char) => char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/**
 * Where to go after sign-in: only a path on this server, so the parameter cannot send users to
 * another site (open redirect). Absent means the account page. The checks run twice: on the
 * value as given, and on what is returned, because parsing removes dot segments ("/.//evil",
 * "/..//evil", "/%2e//evil" all become "//evil") and the result is what the Location carries.
 */
export function checkReturnTo(value: string | undefined, issuer: string): string | undefined {
  if (value === undefined) return undefined;
  const refuse = () => new BadRequest('The return_to parameter must be a path on this server, such as /account.');
  if (value.length > RETURN_TO_MAX_LENGTH || !value.startsWith('/') || startsLikeAnotherHost(value) || hasControlOrBackslash(value)) throw refuse();
  let url: URL;
  try {
    url = new URL(value, issuer);
  } catch {
    throw refuse();
  }
  if (url.origin !== new URL(issuer).origin) throw refuse();
  const normalised = url.pathname + url.search;
  if (!normalised.startsWith('/') || startsLikeAnotherHost(normalised) || hasControlOrBackslash(normalised)) throw refuse();
  if (new URL(normalised, issuer).origin !== new URL(issuer).origin) throw refuse();
  return normalised;
}

/** The client an authorization request in return_to names, so that sign-in may lead on to its redirect URIs. */
export function authorizationClientOf(returnTo: string | undefined): string | undefined {
  if (returnTo === undefined || !returnTo.startsWith('/oauth/authorize?')) return undefined;
  return new URLSearchParams(returnTo.slice(returnTo.indexOf('?') + 1)).get('client_id') ?? undefined;
}
