// Outgoing calls made with undici or fetch (Node's fetch is undici too) carry the active span's
// trace context: every undici in the process announces new requests on one diagnostics channel,
// where a header can still be added. A request that names its own traceparent is left as it is
// (the gateway's forwards, which have their own client spans).
//
// When the active span was started by an exporting Tracing, the call gets a CLIENT span of its own,
// child of the active span, and the traceparent names that client span: the time spent waiting, and
// calls that never reached the other side, show in the trace. The span ends when the response
// headers arrive or the request fails; those two channels are subscribed to only once some Tracing
// exports, so with tracing off undici does not even publish on them.
import diagnosticsChannel from 'node:diagnostics_channel';
import { context, trace, type Span } from '@opentelemetry/api';
import { endSpan } from './end-span.js';
import { clientRequestAttributes, clientSpanName } from './http-client-attributes.js';
import { ownerOf } from './span-owners.js';
import { traceHeaders } from './traceparent.js';

interface UndiciRequest {
  origin: string;
  method: string;
  path: string;
  headers: string | string[];
  addHeader(name: string, value: string): unknown;
}

const clientSpans = new WeakMap<UndiciRequest, Span>();
let propagating = false;
let recording = false;

export function installOutgoingPropagation(): void {
  if (propagating) return;
  propagating = true;
  diagnosticsChannel.subscribe('undici:request:create', (message) => {
    const parent = trace.getSpan(context.active());
    if (parent === undefined) return;
    const { request } = message as { request: UndiciRequest };
    if (namesTraceparent(request.headers)) return;
    const span = recording ? startClientSpan(request, parent) : parent;
    const headers = traceHeaders(span);
    for (let i = 0; i < headers.length; i += 2) request.addHeader(headers[i] as string, headers[i + 1] as string);
  });
}

/** Called by an exporting Tracing: calls made under its spans get client spans from now on. */
export function installClientSpans(): void {
  if (recording) return;
  recording = true;
  diagnosticsChannel.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    // 1xx answers other than an upgrade's 101 come before the final one.
    if (response.statusCode < 200 && response.statusCode !== 101) return;
    const span = clientSpans.get(request);
    if (span === undefined) return;
    clientSpans.delete(request);
    if (response.statusCode >= 400) span.setAttribute('error.type', String(response.statusCode));
    endSpan(span, response.statusCode, undefined, 400);
  });
  diagnosticsChannel.subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request: UndiciRequest; error: unknown };
    const span = clientSpans.get(request);
    if (span === undefined) return;
    clientSpans.delete(request);
    span.setAttribute('error.type', errorType(error));
    endSpan(span, undefined, error instanceof Error ? error.message : String(error));
  });
}

function startClientSpan(request: UndiciRequest, parent: Span): Span {
  const owner = ownerOf(parent);
  if (owner === undefined) return parent;
  const method = request.method.toUpperCase();
  let attributes;
  try {
    attributes = clientRequestAttributes(method, String(request.origin), request.path);
  } catch {
    // A subscriber's exception would surface as an uncaught one: a URL not understood goes untraced.
    return parent;
  }
  const span = owner.startClientSpan(clientSpanName(method), parent, attributes);
  clientSpans.set(request, span);
  return span;
}

/** A low-cardinality name for a failure, as the conventions ask: a system error code, or the error's class. */
function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return '_OTHER';
}

/** undici 7 keeps headers as a flat list, older ones as raw "name: value\r\n" text. */
function namesTraceparent(headers: string | string[]): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers);
  for (let i = 0; i < headers.length; i += 2) if ((headers[i] as string).toLowerCase() === 'traceparent') return true;
  return false;
}
