// The cookies of the web pages: the session id, and the anonymous CSRF binding for forms shown
// before sign-in. Both HttpOnly, SameSite=Lax, Path=/, and Secure with the __Host- prefix
// (no Domain, so no sibling subdomain can set or shadow them) except on a plain-http localhost.

export interface CookiePolicy {
  secure: boolean;
  session: string;
  csrf: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Secure cookies unless the issuer is http on a loopback name, where browsers would drop them. */
export function cookiePolicy(issuer: string): CookiePolicy {
  const url = new URL(issuer);
  const secure = !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
  const prefix = secure ? '__Host-' : '';
  return { secure, session: `${prefix}tokendealer_session`, csrf: `${prefix}tokendealer_csrf` };
}

/** Cookie header values by name; with a name sent twice, the first (the most specific path) wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header || header.length > 8192) return cookies;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** A Set-Cookie value; maxAge 0 clears the cookie. */
export function serializeCookie(name: string, value: string, policy: CookiePolicy, maxAge: number): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Lax', ...(policy.secure ? ['Secure'] : [])].join('; ');
}
