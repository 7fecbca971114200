// The session cookie: HttpOnly, SameSite=Lax, Path=/, and Secure with the __Host- prefix (no
// Domain: no sibling subdomain can set or shadow it) except on a plain-http loopback origin, where
// browsers would drop a Secure cookie.
export interface CookiePolicy {
  secure: boolean;
  name: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function cookiePolicy(publicUrl: string): CookiePolicy {
  const url = new URL(publicUrl);
  const secure = !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return { secure, name: `${secure ? '__Host-' : ''}runnerly_session` };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

export function sessionCookie(policy: CookiePolicy, value: string, maxAgeSeconds: number): string {
  return [`${policy.name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(policy.secure ? ['Secure'] : [])].join('; ');
}
