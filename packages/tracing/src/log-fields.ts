// The pino mixin: every line logged while a span is active carries its trace and span ids.
import { context, trace } from '@opentelemetry/api';

export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  // A new object each time: pino merges the line's own fields into the one returned.
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
