// Ending a server or client span with the answer's status.
import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Records the answer's status on a server or client span (5xx and failures as errors) and ends it. */
export function endSpan(span: Span, status: number | undefined, error?: string): void {
  if (!span.isRecording()) return;
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  else if (status !== undefined && status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
