// A service's tracer. With an OTLP endpoint configured, spans are recorded and exported over
// OTLP/HTTP (JSON) in batches. Without one nothing is recorded or sent: an incoming traceparent is
// taken as the request's span context and passed on unchanged (a request without one gets fresh,
// unsampled ids), so a trace still crosses the system and log lines still carry its id.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { trace, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import { tracingConfigFromEnv } from './config.js';
import type * as ExportingModule from './exporting.js';
import { ensureContextManager } from './context.js';
import { installOutgoingPropagation } from './outgoing.js';
import { remoteParent } from './traceparent.js';

export { endSpan } from './end-span.js';

type HeaderValue = string | string[] | undefined;

export interface Tracing {
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** The span of one incoming request, child of the request's traceparent if it has a valid one. */
  startServerSpan(name: string, headers: Record<string, HeaderValue>, attributes?: Attributes): Span;
  /** A span for a call this service makes under `parent`; off, `parent` itself (forwarded unchanged). */
  startClientSpan(name: string, parent: Span, attributes?: Attributes): Span;
  /** The root span of a new trace, for work no request started (a background job's run). */
  startRootSpan(name: string, attributes?: Attributes): Span;
  /** Exports what is still batched and stops the exporter. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** The service's name, used unless OTEL_SERVICE_NAME is set. */
  service: string;
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createTracing(options: TracingOptions): Tracing {
  ensureContextManager();
  installOutgoingPropagation();
  const config = tracingConfigFromEnv(options.service, options.env);
  if (config.tracesUrl === undefined) return new PropagatingOnly(config.serviceName);
  // The SDK and the exporter load only when spans are exported: a process with tracing off never reads them.
  const { ExportingTracing } = createRequire(import.meta.url)('./exporting.js') as typeof ExportingModule;
  return new ExportingTracing(config, config.tracesUrl);
}

class PropagatingOnly implements Tracing {
  readonly enabled = false;
  constructor(readonly serviceName: string) {}

  startServerSpan(_name: string, headers: Record<string, HeaderValue>): Span {
    const parent = remoteParent(headers);
    if (parent !== undefined) return trace.wrapSpanContext(parent);
    const ids = randomBytes(24).toString('hex');
    return trace.wrapSpanContext({ traceId: ids.slice(0, 32), spanId: ids.slice(32), traceFlags: TraceFlags.NONE });
  }

  startClientSpan(_name: string, parent: Span): Span {
    return parent;
  }

  startRootSpan(): Span {
    return this.startServerSpan('', {});
  }

  async shutdown(): Promise<void> {}
}
