// Tracing settings from the standard OpenTelemetry variables: export only when an OTLP endpoint
// is configured (and the SDK is not disabled); the service's own name unless OTEL_SERVICE_NAME.
export interface TracingConfig {
  serviceName: string;
  /** OTLP/HTTP traces URL; undefined: no export, trace context is only propagated. */
  tracesUrl: string | undefined;
  /** How long spans wait for a batch before export (OTEL_BSP_SCHEDULE_DELAY, default 5000 ms). */
  scheduleDelayMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function tracingConfigFromEnv(defaultServiceName: string, env: Env = process.env): TracingConfig {
  const serviceName = nonEmpty(env.OTEL_SERVICE_NAME) ?? defaultServiceName;
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none';
  return { serviceName, tracesUrl: disabled ? undefined : tracesUrl(env), scheduleDelayMs: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY) ?? 5000 };
}

/** The signal-specific URL as given; the general endpoint with /v1/traces appended (OTLP/HTTP rules). */
function tracesUrl(env: Env): string | undefined {
  const traces = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (traces !== undefined) return checkedUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined) return undefined;
  return checkedUrl(`${base.replace(/\/+$/, '')}/v1/traces`, 'OTEL_EXPORTER_OTLP_ENDPOINT');
}

function checkedUrl(value: string, variable: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${variable} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${variable} must be an http or https URL`);
  return url.href;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function positiveInt(value: string | undefined): number | undefined {
  const number = Number(value);
  return value !== undefined && Number.isInteger(number) && number > 0 ? number : undefined;
}
