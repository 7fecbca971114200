// Tracing with export: spans recorded by the SDK's tracer and sent over OTLP/HTTP (JSON) in batches.
// Loaded by createTracing only when an endpoint is configured.
import { ROOT_CONTEXT, SpanKind, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './config.js';
import { installClientSpans } from './outgoing.js';
import { rememberOwner } from './span-owners.js';
import { contextWithParent, remoteParent } from './traceparent.js';
import type { Tracing } from './tracing.js';

type HeaderValue = string | string[] | undefined;

export class ExportingTracing implements Tracing {
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
    installClientSpans();
  }

  startServerSpan(name: string, headers: Record<string, HeaderValue>, attributes?: Attributes): Span {
    return rememberOwner(this.#tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, contextWithParent(remoteParent(headers))), this);
  }

  startClientSpan(name: string, parent: Span, attributes?: Attributes): Span {
    return this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, contextWithParent(parent.spanContext()));
  }

  startRootSpan(name: string, attributes?: Attributes): Span {
    return rememberOwner(this.#tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes, root: true }, ROOT_CONTEXT), this);
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}
