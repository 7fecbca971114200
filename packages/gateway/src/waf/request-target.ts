// The request-target of RFC 9112 §3.2, split into path and query without decoding anything,
// and the query split into raw name/value pairs (decoding is the inspector's job).

export interface RequestTarget {
  /** origin-form "/p?q", absolute-form "http://host/p?q" (which proxies must accept), asterisk-form "*". */
  readonly form: 'origin' | 'absolute' | 'asterisk';
  /** Raw (still percent-encoded) path; "/" when an absolute-form target has none; "*" for asterisk-form. */
  readonly path: string;
  /** Raw query without the '?', or null when there is no '?'. */
  readonly query: string | null;
  /** The authority of an absolute-form target (RFC 9112 §3.2.2: it replaces Host). */
  readonly authority?: string;
}

const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)/i;

/** Null when the target is none of the accepted forms (authority-form is CONNECT's, which a gateway does not serve). */
export function parseRequestTarget(rawUrl: string): RequestTarget | null {
  if (rawUrl === '*') return { form: 'asterisk', path: '*', query: null };
  if (rawUrl.includes('#')) return null; // a fragment is never part of a request-target
  let form: RequestTarget['form'] = 'origin';
  let rest = rawUrl;
  let authority: string | undefined;
  if (!rawUrl.startsWith('/')) {
    const absolute = ABSOLUTE_FORM.exec(rawUrl);
    if (!absolute) return null;
    authority = absolute[1] as string;
    if (authority === '' || authority.includes('@')) return null; // userinfo is deprecated and a phishing vector (RFC 9110 §4.2.4)
    form = 'absolute';
    // The path starts right after the authority: "http://h?/a" has path "/" and query "/a".
    rest = rawUrl.slice(absolute[0].length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  if (rest.startsWith('//')) {
    // Grammatically an absolute-path, but WHATWG URL parsers (new URL(url, base)) read "//host/x" as a
    // network-path reference to another host: a known open-redirect and SSRF shape, so refused (in
    // absolute form too, as the origin-form forwarded upstream would start with it).
    return null;
  }
  const question = rest.indexOf('?');
  const path = question >= 0 ? rest.slice(0, question) : rest;
  const query = question >= 0 ? rest.slice(question + 1) : null;
  return authority === undefined ? { form, path, query } : { form, path, query, authority };
}

/** The target as forwarded upstream: path and query in origin form. */
export function originFormOf(target: RequestTarget): string {
  return target.query === null ? target.path : `${target.path}?${target.query}`;
}

export interface RawQueryArg {
  readonly name: string;
  readonly value: string;
}

/** "a=1&b&&c=2" → [a=1, b=, c=2]; empty pieces are skipped, nothing is decoded. Stops after `limit` args. */
export function splitQuery(query: string, limit = Number.POSITIVE_INFINITY): RawQueryArg[] {
  const args: RawQueryArg[] = [];
  if (query === '') return args;
  let start = 0;
  while (start <= query.length && args.length < limit) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    if (end > start) {
      const equals = query.indexOf('=', start);
      if (equals >= 0 && equals < end) args.push({ name: query.slice(start, equals), value: query.slice(equals + 1, end) });
      else args.push({ name: query.slice(start, end), value: '' });
    }
    start = end + 1;
  }
  return args;
}
