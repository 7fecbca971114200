// The header list sent upstream: the client's headers minus hop-by-hop ones, Host (the upstream's
// own is sent, as nginx does by default), Expect (answered here), the client's X-Forwarded-* that
// the gateway sets itself, any x-runnerly-* header (identity is only ever set by the gateway),
// headers that let a client claim an address, URL or method the gateway did not check
// (Forwarded, X-Real-IP, X-Original-URL, method overrides...), and every name with an underscore:
// CGI, WSGI, PHP and Rack turn both '-' and '_' into '_', so `X_Runnerly_Sub` would reach them
// as the identity header (nginx drops them too: underscores_in_headers off). The client's
// traceparent and tracestate are replaced by the gateway's own (its span, child of the client's).
import { connectionNamedHeaders, isHopByHop } from './hop-by-hop.js';

export const IDENTITY_HEADER_PREFIX = 'x-runnerly-';

export interface ForwardingFacts {
  /** The TCP peer's address (the client, or the proxy in front of the gateway). */
  readonly peerAddress: string;
  /** Whether the peer is a trusted proxy, whose X-Forwarded-Proto/-Host are kept. */
  readonly peerTrusted: boolean;
  readonly proto: 'http' | 'https';
  /** The authority of an absolute-form request-target, which replaces Host (RFC 9112 section 3.2.2). */
  readonly authority?: string | undefined;
}

/** Client headers that claim what only the gateway (or a proxy it trusts, via X-Forwarded-*) may say. */
const SPOOFABLE: ReadonlySet<string> = new Set([
  'forwarded',
  'x-real-ip',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/**
 * A flat [name, value, name, value, ...] list for undici from Node's raw header list. Names
 * dropped for their underscore are added to `dropped` (for a debug log line).
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  facts: ForwardingFacts,
  identity: readonly string[] | undefined,
  dropped?: string[],
  trace?: readonly string[],
): string[] {
  const headers: string[] = [];
  let connection: string[] | undefined;
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let host: string | undefined;

  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        host = value;
        continue;
      case 'connection':
        (connection ??= []).push(value);
        continue;
      case 'expect':
      case 'traceparent':
      case 'tracestate':
        continue;
      case 'x-forwarded-for':
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        continue;
      case 'x-forwarded-proto':
        forwardedProto ??= value;
        continue;
      case 'x-forwarded-host':
        forwardedHost ??= value;
        continue;
    }
    if (isHopByHop(lower) || lower.startsWith(IDENTITY_HEADER_PREFIX) || SPOOFABLE.has(lower)) continue;
    if (lower.includes('_')) {
      dropped?.push(name);
      continue;
    }
    headers.push(name, value);
  }

  const named = connectionNamedHeaders(connection);
  const kept = named === undefined ? headers : withoutNamed(headers, named);
  kept.push(
    'x-forwarded-for',
    forwardedFor === undefined ? facts.peerAddress : `${forwardedFor}, ${facts.peerAddress}`,
    'x-forwarded-proto',
    facts.peerTrusted && forwardedProto !== undefined ? forwardedProto : facts.proto,
  );
  const originalHost = facts.peerTrusted && forwardedHost !== undefined ? forwardedHost : (facts.authority ?? host);
  if (originalHost !== undefined) kept.push('x-forwarded-host', originalHost);
  if (identity !== undefined) for (const entry of identity) kept.push(entry);
  if (trace !== undefined) for (const entry of trace) kept.push(entry);
  return kept;
}

function withoutNamed(headers: string[], named: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (!named.has(name.toLowerCase())) kept.push(name, headers[i + 1] as string);
  }
  return kept;
}
