// Which Tracing started a span: a call made under the span gets its client span from the same
// service's tracer (several services may share a process, each with its own provider). Only
// exporting tracings register their spans, so with tracing off nothing is ever kept here.
import type { Span } from '@opentelemetry/api';
import type { Tracing } from './tracing.js';

const owners = new WeakMap<Span, Tracing>();

export function rememberOwner(span: Span, tracing: Tracing): Span {
  owners.set(span, tracing);
  return span;
}

export function ownerOf(span: Span): Tracing | undefined {
  return owners.get(span);
}
