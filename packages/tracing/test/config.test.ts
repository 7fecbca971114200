// Which OTEL_* settings turn export on, where spans go, and under which service name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTracing, tracingConfigFromEnv } from '../src/index.js';

describe('tracing configuration', () => {
  it('is off without an endpoint, and under the service name unless OTEL_SERVICE_NAME', () => {
    assert.deepEqual(tracingConfigFromEnv('dataservice', {}), { serviceName: 'dataservice', tracesUrl: undefined, scheduleDelayMs: 5000 });
    assert.equal(tracingConfigFromEnv('dataservice', { OTEL_SERVICE_NAME: 'data-eu' }).serviceName, 'data-eu');
    assert.equal(createTracing({ service: 'x', env: {} }).enabled, false);
  });

  it('appends /v1/traces to the general endpoint and takes the traces endpoint as it is', () => {
    assert.equal(tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }).tracesUrl, 'http://127.0.0.1:4318/v1/traces');
    assert.equal(
      tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/custom' }).tracesUrl,
      'http://127.0.0.1:9999/custom',
    );
  });

  it('stays off when the SDK or the traces exporter is disabled', () => {
    assert.equal(tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }).tracesUrl, undefined);
    assert.equal(tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }).tracesUrl, undefined);
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    assert.throws(() => tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }), /OTEL_EXPORTER_OTLP_ENDPOINT is not a URL/);
    assert.throws(() => tracingConfigFromEnv('s', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://127.0.0.1/x' }), /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http or https URL/);
  });
});
