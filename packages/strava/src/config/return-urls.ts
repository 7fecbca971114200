// Where the callback may send the browser afterwards: only under a configured prefix, so the
// link flow cannot be turned into an open redirect.
import { ConfigError } from '@runnerly/service-config';

export function returnUrlList(raw: string, name: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new ConfigError(`${name} must list at least one URL`);
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(`${name} must list absolute http(s) URLs, got "${entry}"`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
      throw new ConfigError(`${name} must list http(s) URLs without credentials, query or fragment, got "${entry}"`);
    }
  }
  return entries;
}

/** The return URL if it lies under one of the allowed prefixes (same origin, path under the prefix's). */
export function allowedReturnUrl(candidate: string, allowed: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.hash) return undefined;
  for (const prefix of allowed) {
    const base = new URL(prefix);
    const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    if (url.origin === base.origin && (url.pathname === base.pathname || url.pathname.startsWith(basePath))) return url.toString();
  }
  return undefined;
}

/** The return URL with the outcome added to its query: strava=linked, or strava=error&reason=...&missing=... */
export function withOutcome(returnTo: string, outcome: Record<string, string>): string {
  const url = new URL(returnTo);
  for (const [name, value] of Object.entries(outcome)) url.searchParams.set(name, value);
  return url.toString();
}
