// Ending a server or client span with the answer's status.
import { SpanStatusCode, type Span } from '@opentelemetry/api';

/**
 * Records the answer's status on a server or client span and ends it. Failures are errors, and
 * statuses from `errorFromStatus` on: 500 for a server (a 4xx is the caller's doing), 400 for a
 * client (its request failed), as the OpenTelemetry HTTP conventions say.
 */
export function endSpan(span: Span, status: number | undefined, error?: string, errorFromStatus = 500): void {
  if (!span.isRecording()) return;
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  else if (status !== undefined && status >= errorFromStatus) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
