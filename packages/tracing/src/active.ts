// Running code under a span, for callers that start spans themselves (the gateway's exchanges).
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';

export function withSpan<T>(span: Span, run: () => T): T {
  return context.with(trace.setSpan(ROOT_CONTEXT, span), run);
}

export function activeSpan(): Span | undefined {
  return trace.getSpan(context.active());
}
