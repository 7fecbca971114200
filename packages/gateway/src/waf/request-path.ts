// The one request-target the gateway routes, inspects and forwards: parsed once (RFC 9112
// section 3.2), then normalised as RFC 3986 section 6.2.2 says (percent-encoded unreserved
// characters decoded, hex digits upper-cased). Paths that common upstreams would read
// differently from the gateway are refused instead of normalised: dot segments in any encoding,
// encoded slashes or backslashes, backslashes, `;` path parameters and empty segments (nginx
// merges slashes). So what was routed and checked is exactly what the upstream acts on.
import { decodingStages } from './percent-decoding.js';
import { PROTOCOL_RULES, protocolRefusal, type ProtocolRefusal } from './protocol-rules.js';
import { parseRequestTarget, type RequestTarget } from './request-target.js';

export type TargetResolution = { ok: true; target: RequestTarget } | { ok: false; refusal: ProtocolRefusal };

// A ".." segment, also with a path parameter ("..;x", read as ".." by Tomcat and others).
const TRAVERSAL = /(?:^|\/)\.\.(?:;[^/]*)?(?:\/|$)/;
const SINGLE_DOT_SEGMENT = /(?:^|\/)\.(?:\/|$)/;
// Backslashes (Windows, IIS) and the fullwidth / division slash and fullwidth dot (NFKC folds them).
const SLASH_LOOKALIKES = /[\\\u2215\uff0f]/g;
const DOT_LOOKALIKES = /\uff0e/g;
const SLASHES = /[/\\\u2215\uff0f]/g;
const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g;
// RFC 3986 section 2.3: ALPHA / DIGIT / "-" / "." / "_" / "~".
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Spaces and control characters (RFC 9112 §3.2 allows none in a request-target). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

function unified(stage: string): string {
  return stage.replace(SLASH_LOOKALIKES, '/').replace(DOT_LOOKALIKES, '.');
}

function slashCount(text: string): number {
  return text.match(SLASHES)?.length ?? 0;
}

/** Why upstreams might read `stages` (the path's decoding stages) differently, or undefined. */
function ambiguity(stages: readonly string[]): string | undefined {
  const raw = stages[0] as string;
  if (raw.includes('//')) return 'empty path segment';
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i] as string;
    if (stage.includes('\\')) return 'backslash';
    if (stage.includes(';')) return 'path parameter';
    if (SINGLE_DOT_SEGMENT.test(unified(stage))) return 'dot segment';
    if (i > 0 && slashCount(stage) > slashCount(stages[i - 1] as string)) return 'encoded slash';
  }
  return undefined;
}

/** RFC 3986 section 6.2.2.1 and 6.2.2.2: unreserved characters decoded, other escapes in upper case. */
export function normalizePercentEncoding(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(PERCENT_ENCODED, (escape: string, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

/**
 * Parses and checks a raw request-target; the resolved target's path is normalised, and it is
 * what routing, inspection and forwarding all use.
 */
export function resolveRequestTarget(rawUrl: string): TargetResolution {
  if (rawUrl.includes('\0')) return protocolRefusal(PROTOCOL_RULES.nullByte, 'url');
  if (hasControlCharacter(rawUrl)) return protocolRefusal(PROTOCOL_RULES.controlCharacter, 'url');
  const target = parseRequestTarget(rawUrl);
  if (!target) return protocolRefusal(PROTOCOL_RULES.badRequestTarget, 'url');
  if (target.form === 'asterisk') return { ok: true, target };

  // Encoded null bytes and traversal: every decoding stage counts (double encoding, %u, overlong UTF-8).
  const stages = decodingStages(target.path);
  for (const stage of stages) {
    if (stage.includes('\0')) return protocolRefusal(PROTOCOL_RULES.nullByte, 'path');
  }
  for (const stage of stages) {
    if (TRAVERSAL.test(unified(stage))) return protocolRefusal(PROTOCOL_RULES.pathTraversal, 'path');
  }
  const reason = ambiguity(stages);
  if (reason !== undefined) return protocolRefusal(PROTOCOL_RULES.ambiguousPath, 'path', reason);

  const path = normalizePercentEncoding(target.path);
  return { ok: true, target: path === target.path ? target : { ...target, path } };
}
