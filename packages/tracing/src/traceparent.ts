// W3C Trace Context (traceparent, tracestate) read from incoming headers and written for outgoing ones.
import { ROOT_CONTEXT, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

type HeaderValue = string | string[] | undefined;

const getter = {
  keys: (carrier: Record<string, HeaderValue>) => Object.keys(carrier),
  get: (carrier: Record<string, HeaderValue>, key: string) => carrier[key],
};

/** The remote parent named by Node-style (lower-case) request headers; undefined when absent or malformed. */
export function remoteParent(headers: Record<string, HeaderValue>): SpanContext | undefined {
  if (headers.traceparent === undefined) return undefined;
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, getter));
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
