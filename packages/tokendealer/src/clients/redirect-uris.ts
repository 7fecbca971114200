// Redirect URIs are registered exactly and compared exactly (RFC 9700 section 2.1), with one
// exception: a native app's loopback redirect may use any port (RFC 8252 section 7.3).

const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

export type RedirectUriProblem = string | undefined;

/** Why a URI cannot be registered as a redirect URI, or undefined when it can. */
export function redirectUriProblem(value: string): RedirectUriProblem {
  if (value.length > 2048) return 'is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash || value.includes('#')) return 'must not have a fragment (RFC 6749 section 3.1.2)';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    // Plain http only to the user's own machine (RFC 8252 section 7.3; "localhost" is discouraged, section 8.3).
    return LOOPBACK_IPS.has(url.hostname) || url.hostname === 'localhost' ? undefined : 'must use https (http only for loopback addresses)';
  }
  // Private-use schemes of native apps are reverse domain names (RFC 8252 section 7.1).
  if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol)) return undefined;
  return 'must be https, http on a loopback address, or a private-use scheme such as com.example.app:/callback';
}

/** Whether a requested redirect URI is one of the registered ones. */
export function matchesRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_IPS.has(url.hostname) || url.port === '') return false;
  // Loopback: compare everything but the port.
  return registered.some((candidate) => {
    try {
      const base = new URL(candidate);
      if (base.protocol !== 'http:' || base.hostname !== url.hostname) return false;
      base.port = url.port;
      return base.href === url.href;
    } catch {
      return false;
    }
  });
}

/** The browser origin of a web redirect URI, for the default CORS origins of public clients. */
export function originOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
