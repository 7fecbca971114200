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
