// Trace context through the gateway: the traceparent its upstream receives, the spans it exports
// to a real OTLP/HTTP receiver when an endpoint is configured, and nothing exported otherwise.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startOtlpReceiver } from '@runnerly/test-support';
import { createTracing } from '@runnerly/tracing';
import { send } from './gateway-support/client.js';
import { startGateway, startUpstream } from './gateway-support/servers.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

const started: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  started.push(value);
  return value;
}
after(async () => {
  for (const thing of started.reverse()) await thing.close();
});

/** The headers the upstream echoed. */
async function forwarded(url: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const answer = await send(url, { headers });
  assert.equal(answer.status, 200);
  return (JSON.parse(answer.body) as { headers: Record<string, string> }).headers;
}

describe('tracing at the gateway', () => {
  it('off (no endpoint): forwards the client traceparent unchanged, starts one when there is none, exports nothing', async () => {
    const receiver = await startOtlpReceiver();
    started.push(receiver);
    const upstream = await track(startUpstream());
    // Its variables name no endpoint: the receiver above must get nothing.
    const tracing = createTracing({ service: 'runnerly-gateway', env: { OTEL_SERVICE_NAME: 'ignored-when-off' } });
    assert.equal(tracing.enabled, false);
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [upstream.origin] }] }, tracing));

    const incoming = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
    const passed = await forwarded(`${gw.url}/a`, { traceparent: incoming, tracestate: 'vendor=x' });
    assert.equal(passed.traceparent, incoming);
    assert.equal(passed.tracestate, 'vendor=x');

    const fresh = await forwarded(`${gw.url}/b`);
    const [, traceId] = TRACEPARENT.exec(fresh.traceparent ?? '') ?? [];
    assert.ok(traceId !== undefined && traceId !== CLIENT_TRACE, `a new trace id, got ${fresh.traceparent}`);
    assert.match(fresh.traceparent!, /-00$/, 'not sampled: nothing records it');

    // A malformed traceparent is not forwarded: the request starts a trace of its own.
    const malformed = await forwarded(`${gw.url}/c`, { traceparent: '00-zz-yy-01' });
    assert.match(malformed.traceparent ?? '', TRACEPARENT);

    await gw.close();
    assert.equal(receiver.posts, 0);
  });

  it('on: a server span under the client span, a client span whose id the upstream receives as its parent, exported over OTLP/HTTP', async () => {
    const receiver = await startOtlpReceiver();
    started.push(receiver);
    const upstream = await track(startUpstream(undefined, 'echo'));
    const tracing = createTracing({ service: 'runnerly-gateway', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' } });
    assert.equal(tracing.enabled, true);
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin] }] }, tracing));

    const headers = await forwarded(`${gw.url}/api/things?x=1`, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const [, traceId, parentId] = TRACEPARENT.exec(headers.traceparent ?? '') ?? [];
    assert.equal(traceId, CLIENT_TRACE);
    assert.notEqual(parentId, CLIENT_SPAN);

    const spans = await receiver.waitFor((all) => all.length >= 2);
    const server = spans.find((span) => span.kind === 2);
    const client = spans.find((span) => span.kind === 3);
    assert.ok(server && client, JSON.stringify(spans));
    assert.deepEqual(
      [server.service, server.name, server.traceId, server.parentSpanId, server.attributes['http.route'], server.attributes['http.response.status_code']],
      ['runnerly-gateway', 'GET /api/', CLIENT_TRACE, CLIENT_SPAN, '/api/', 200],
    );
    assert.deepEqual([client.service, client.traceId, client.parentSpanId, client.spanId], ['runnerly-gateway', CLIENT_TRACE, server.spanId, parentId]);
    assert.equal(client.attributes['http.response.status_code'], 200);

    // A log line written under the request's span names its trace.
    const refused = await send(`${gw.url}/api/x`, { method: 'TRACE', headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } });
    assert.equal(refused.status, 405);
    const line = gw.logs.find((entry) => entry.event === 'refused' && entry.status === 405);
    assert.equal(line?.trace_id, CLIENT_TRACE);
    assert.match(String(line?.span_id), /^[0-9a-f]{16}$/);
    await tracing.shutdown();
  });
});
