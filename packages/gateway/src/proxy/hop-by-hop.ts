// Headers that concern one connection only (RFC 9110 section 7.6.1) are never forwarded:
// Connection and every header it names, plus Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade.

const ALWAYS_HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** True for a lower-case header name that never crosses the gateway. */
export function isHopByHop(name: string): boolean {
  return ALWAYS_HOP_BY_HOP.has(name) || name.startsWith('proxy-');
}

/** Lower-case names listed in a Connection header value (or values), or undefined when there are none. */
export function connectionNamedHeaders(connection: string | readonly string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  // The usual values name no header: skip the split on the hot path.
  if (connection === 'keep-alive' || connection === 'close' || connection === 'Keep-Alive' || connection === 'Close') return undefined;
  let named: Set<string> | undefined;
  for (const value of typeof connection === 'string' ? [connection] : connection) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      // "close" and "keep-alive" are connection options, not header names worth a set entry.
      if (name === '' || name === 'close' || name === 'keep-alive') continue;
      (named ??= new Set()).add(name);
    }
  }
  return named;
}
