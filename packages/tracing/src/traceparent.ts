// W3C Trace Context (traceparent, tracestate) read from incoming headers and written for outgoing
// ones. Parsed here rather than with @opentelemetry/core's propagator, whose module graph would
// add to every service's start even with tracing off.
import { createTraceState, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';

type HeaderValue = string | string[] | undefined;

// version-traceid-parentid-flags; a later version may append fields after a dash (W3C Trace Context, 4.3).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const MAX_TRACESTATE_LENGTH = 512;

/** The remote parent named by Node-style (lower-case) request headers; undefined when absent or malformed. */
export function remoteParent(headers: Record<string, HeaderValue>): SpanContext | undefined {
  const header = headers.traceparent;
  // Several traceparent headers: none can be believed.
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const parent: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & 1, isRemote: true };
  if (!isSpanContextValid(parent)) return undefined;
  const state = headers.tracestate;
  const stateText = typeof state === 'string' ? state : Array.isArray(state) ? state.join(',') : undefined;
  if (stateText !== undefined && stateText.length > 0 && stateText.length <= MAX_TRACESTATE_LENGTH) parent.traceState = createTraceState(stateText);
  return parent;
}

export function contextWithParent(parent: SpanContext | undefined): Context {
  return parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, parent);
}

/** The traceparent header value naming `span` as the parent. */
export function traceparentOf(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags & 1 ? '01' : '00'}`;
}

/** traceparent (and tracestate, when the trace has one) naming `span` as the parent, as a flat header list. */
export function traceHeaders(span: Span): string[] {
  const spanContext = span.spanContext();
  const state = spanContext.traceState?.serialize();
  return state ? ['traceparent', traceparentOf(spanContext), 'tracestate', state] : ['traceparent', traceparentOf(spanContext)];
}
