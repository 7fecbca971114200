/**
 * Headers of every page: nothing but our own stylesheet may load, no script runs, forms post only
 * to us, no site may frame us (clickjacking), links do not leak the tokens in our URLs, and no
 * cache keeps a page that may show account data.
 */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/**
 * CSP sources for the redirect URIs a form's answer may lead on to: browsers apply form-action to
 * the redirects after a post too (CSP Level 3), so the consent form, and sign-in on the way back
 * to an authorization request, must allow the client's redirect targets. Loopback URIs get any
 * port (RFC 8252 section 7.3); a native app's private-use scheme is allowed as a scheme.
 */
export function formActionSources(redirectUris: readonly string[]): string[] {
  const sources = new Set<string>();
  for (const uri of redirectUris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      continue;
    }
    if (url.protocol === 'https:') sources.add(url.origin);
    else if (url.protocol === 'http:') sources.add(url.hostname === '127.0.0.1' || url.hostname === 'localhost' ? `http://${url.hostname}:*` : url.origin);
    else if (/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) sources.add(url.protocol);
  }
  return [...sources];
}

export function pageHeadersWithFormActions(sources: readonly string[]): Record<string, string> {
  if (sources.length === 0) return PAGE_HEADERS;
  return { ...PAGE_HEADERS, 'content-security-policy': PAGE_HEADERS['content-security-policy'].replace("form-action 'self'", `form-action 'self' ${sources.join(' ')}`) };
}
