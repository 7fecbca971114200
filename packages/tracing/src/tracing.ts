// A service's tracer. With an OTLP endpoint configured, spans are recorded and exported over
// OTLP/HTTP (JSON) in batches. Without one nothing is recorded or sent: an incoming traceparent is
// taken as the request's span context and passed on unchanged (a request without one gets fresh,
// unsampled ids), so a trace still crosses the system and log lines still carry its id.
import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingConfigFromEnv, type TracingConfig } from './config.js';
import { ensureContextManager } from './context.js';
import { installOutgoingPropagation } from './outgoing.js';
import { contextWithParent, remoteParent } from './traceparent.js';

type HeaderValue = string | string[] | undefined;

export interface Tracing {
  /** Whether spans are recorded and exported. */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** The span of one incoming request, child of the request's traceparent if it has a valid one. */
  startServerSpan(name: string, headers: Record<string, HeaderValue>, attributes?: Attributes): Span;
  /** A span for a call this service makes under `parent`; off, `parent` itself (forwarded unchanged). */
  startClientSpan(name: string, parent: Span, attributes?: Attributes): Span;
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
  return config.tracesUrl === undefined ? new PropagatingOnly(config.serviceName) : new Exporting(config, config.tracesUrl);
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

  async shutdown(): Promise<void> {}
}

class Exporting implements Tracing {
  readonly enabled = true;
  readonly serviceName: string;
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;

  constructor(config: TracingConfig, url: string) {
    this.serviceName = config.serviceName;
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: config.scheduleDelayMs })],
    });
    // The provider is not registered globally: several services may share a process (tests, tools).
    this.#tracer = this.#provider.getTracer('@runnerly/tracing');
  }

  startServerSpan(name: string, headers: Record<string, HeaderValue>, attributes?: Attributes): Span {
    return this.#tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, contextWithParent(remoteParent(headers)));
  }

  startClientSpan(name: string, parent: Span, attributes?: Attributes): Span {
    return this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, contextWithParent(parent.spanContext()));
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

/** Records the answer's status on a server or client span (5xx and failures as errors) and ends it. */
export function endSpan(span: Span, status: number | undefined, error?: string): void {
  if (!span.isRecording()) return;
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  else if (status !== undefined && status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
