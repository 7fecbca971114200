// Protocol enforcement: hard refusals with their natural status, checked before anything is
// proxied. Rule ids follow the OWASP CRS families (911 method, 920 protocol, 930 traversal);
// the numbers are this gateway's own and are listed in README.md.
// Node's HTTP parser already refuses some of these shapes; they are checked again here so the
// decision does not depend on the parser's leniency flags and each refusal carries a rule id.

import { decodingStages } from './percent-decoding.js';
import { resolveRequestTarget } from './request-path.js';
import { PROTOCOL_RULES, protocolRefusal as refuse, type ProtocolRefusal } from './protocol-rules.js';
import { splitQuery, type RawQueryArg, type RequestTarget } from './request-target.js';

export { PROTOCOL_RULES, type ProtocolRefusal, type RefusalStatus } from './protocol-rules.js';

/** What the gateway's HTTP server knows about a request before reading its body. */
export interface RequestView {
  method: string;
  /** The exact request-target as received (node: req.url). */
  rawUrl: string;
  /**
   * The request-target as resolveRequestTarget already resolved it (the gateway routes on it
   * first); resolved here from rawUrl when absent.
   */
  target?: RequestTarget;
  /** Raw header name/value pairs, flat, as node gives them in req.rawHeaders. */
  headers: readonly string[];
  /** "1.1" or "1.0" (node: req.httpVersion); HTTP/1.0 may omit Host. Default "1.1". */
  httpVersion?: string;
  /** The parsed Content-Length when the server already has it; otherwise taken from the headers. */
  contentLength?: number;
  /** Whether the request carries a body (Content-Length > 0 or chunked). */
  hasBody: boolean;
  /** The client's address after trusted-proxy resolution (see clientAddress), for the IP rules. */
  clientAddress?: string;
}

export interface ProtocolLimits {
  /** Upper-case method names; anything else is answered 405. */
  allowedMethods: readonly string[];
  /** Longest request-target in characters (414 beyond). */
  maxUrlLength: number;
  /** Most header fields (431 beyond). */
  maxHeaderCount: number;
  /** Largest header section, counted as "name: value\r\n" per field (431 beyond). */
  maxHeaderBytes: number;
  /** Most query arguments (400 beyond). */
  maxArgs: number;
  /** Longest query argument name or value, raw (still encoded) characters (400 beyond). */
  maxArgLength: number;
  /** Largest declared Content-Length (413 beyond); chunked bodies are counted by the server while streaming. */
  maxBodyBytes: number;
}

export const DEFAULT_PROTOCOL_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  allowedMethods: Object.freeze(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
  maxUrlLength: 4096,
  maxHeaderCount: 100,
  maxHeaderBytes: 16384,
  maxArgs: 255,
  maxArgLength: 4096,
  maxBodyBytes: 1048576,
});

/** The headers that say how to read the body (body-format.ts); several Content-Encoding lines joined with ", ". */
export interface BodyHeaders {
  contentType: string | undefined;
  contentEncoding: string | undefined;
}

export type ProtocolCheckResult =
  | { ok: true; target: RequestTarget; args: RawQueryArg[]; bodyHeaders: BodyHeaders }
  | { ok: false; refusal: ProtocolRefusal };

const CONTENT_LENGTH = /^\d{1,15}$/;

interface FramingHeaders {
  hostCount: number;
  hostValue: string;
  contentLengths: string[];
  transferEncodings: string[];
  headerBytes: number;
  contentTypeCount: number;
  contentType: string | undefined;
  contentEncodings: string[];
  authorizationCount: number;
}

function scanHeaders(headers: readonly string[]): FramingHeaders {
  const framing: FramingHeaders = {
    hostCount: 0,
    hostValue: '',
    contentLengths: [],
    transferEncodings: [],
    headerBytes: 0,
    contentTypeCount: 0,
    contentType: undefined,
    contentEncodings: [],
    authorizationCount: 0,
  };
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    framing.headerBytes += name.length + value.length + 4;
    // Only names of the interesting lengths are lower-cased.
    if (name.length === 4) {
      if (name.toLowerCase() === 'host') { framing.hostCount++; framing.hostValue = value.trim(); }
    } else if (name.length === 12) {
      if (name.toLowerCase() === 'content-type') { framing.contentTypeCount++; framing.contentType ??= value; }
    } else if (name.length === 13) {
      if (name.toLowerCase() === 'authorization') framing.authorizationCount++;
    } else if (name.length === 14) {
      if (name.toLowerCase() === 'content-length') framing.contentLengths.push(value);
    } else if (name.length === 16) {
      if (name.toLowerCase() === 'content-encoding') framing.contentEncodings.push(value);
    } else if (name.length === 17) {
      if (name.toLowerCase() === 'transfer-encoding') framing.transferEncodings.push(value);
    }
  }
  return framing;
}

/** The protocol checks in order of cost; the first failure is returned. */
export function checkProtocol(view: RequestView, limits: ProtocolLimits): ProtocolCheckResult {
  const { rawUrl, method } = view;

  if (rawUrl.length > limits.maxUrlLength) {
    return refuse(PROTOCOL_RULES.urlTooLong, 'url', `${rawUrl.length} > ${limits.maxUrlLength} characters`);
  }
  const headerCount = Math.floor(view.headers.length / 2);
  if (headerCount > limits.maxHeaderCount) {
    return refuse(PROTOCOL_RULES.tooManyHeaders, 'headers', `${headerCount} > ${limits.maxHeaderCount}`);
  }
  const framing = scanHeaders(view.headers);
  if (framing.headerBytes > limits.maxHeaderBytes) {
    return refuse(PROTOCOL_RULES.headersTooLarge, 'headers', `${framing.headerBytes} > ${limits.maxHeaderBytes} bytes`);
  }
  if (!limits.allowedMethods.includes(method)) {
    return refuse(PROTOCOL_RULES.methodNotAllowed, 'method', method.slice(0, 32));
  }

  let target = view.target;
  if (target === undefined) {
    const resolved = resolveRequestTarget(rawUrl);
    if (!resolved.ok) return resolved;
    target = resolved.target;
  }
  if (target.form === 'asterisk' && method !== 'OPTIONS') return refuse(PROTOCOL_RULES.badRequestTarget, 'url');

  if (framing.hostCount > 1) return refuse(PROTOCOL_RULES.multipleHost, 'header:host');
  if (framing.hostCount === 0 && view.httpVersion !== '1.0') return refuse(PROTOCOL_RULES.missingHost, 'header:host');
  if (framing.hostCount === 1 && framing.hostValue === '') return refuse(PROTOCOL_RULES.emptyHost, 'header:host');

  // Node keeps the first of these in req.headers while every copy is forwarded: the type or token
  // checked here would not be the one the upstream reads.
  if (framing.contentTypeCount > 1) return refuse(PROTOCOL_RULES.repeatedSingletonHeader, 'header:content-type');
  if (framing.authorizationCount > 1) return refuse(PROTOCOL_RULES.repeatedSingletonHeader, 'header:authorization');

  // RFC 9112 §6.1 and §6.3: CL with TE, several or unparsable CLs, and TE other than a final
  // "chunked" are the request smuggling shapes; this gateway accepts exactly "chunked".
  const { contentLengths, transferEncodings } = framing;
  if (contentLengths.length > 0 && transferEncodings.length > 0) {
    return refuse(PROTOCOL_RULES.contentLengthWithTransferEncoding, 'header:transfer-encoding');
  }
  if (contentLengths.length > 1 || (contentLengths[0] ?? '').includes(',')) {
    return refuse(PROTOCOL_RULES.duplicateContentLength, 'header:content-length');
  }
  let declaredLength = view.contentLength ?? 0;
  if (contentLengths.length === 1) {
    const text = (contentLengths[0] as string).trim();
    if (!CONTENT_LENGTH.test(text)) return refuse(PROTOCOL_RULES.invalidContentLength, 'header:content-length');
    declaredLength = Number(text);
  }
  if (transferEncodings.length > 0) {
    const only = transferEncodings.length === 1 ? (transferEncodings[0] as string).trim().toLowerCase() : '';
    if (only !== 'chunked' || view.httpVersion === '1.0') {
      return refuse(PROTOCOL_RULES.unsupportedTransferEncoding, 'header:transfer-encoding');
    }
  }
  if ((method === 'GET' || method === 'HEAD') && (declaredLength > 0 || transferEncodings.length > 0 || view.hasBody)) {
    return refuse(PROTOCOL_RULES.bodyOnGetOrHead, 'body');
  }
  if (declaredLength > limits.maxBodyBytes) {
    return refuse(PROTOCOL_RULES.bodyTooLarge, 'header:content-length', `${declaredLength} > ${limits.maxBodyBytes} bytes`);
  }

  const args = target.query === null ? [] : splitQuery(target.query, limits.maxArgs + 1);
  if (args.length > limits.maxArgs) return refuse(PROTOCOL_RULES.tooManyArgs, 'query', `more than ${limits.maxArgs}`);
  for (const arg of args) {
    if (arg.name.length > limits.maxArgLength || arg.value.length > limits.maxArgLength) {
      return refuse(PROTOCOL_RULES.argTooLong, `query:${arg.name.slice(0, 64)}`, `longer than ${limits.maxArgLength}`);
    }
  }

  // The path's null bytes, traversal and ambiguity were refused by resolveRequestTarget.
  if (target.query !== null && target.query.includes('%')) {
    for (const stage of decodingStages(target.query)) {
      if (stage.includes('\0')) return refuse(PROTOCOL_RULES.nullByte, 'query');
    }
  }
  const bodyHeaders = {
    contentType: framing.contentType,
    contentEncoding: framing.contentEncodings.length === 0 ? undefined : framing.contentEncodings.join(', '),
  };
  return { ok: true, target, args, bodyHeaders };
}
