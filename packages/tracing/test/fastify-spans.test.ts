// A Fastify app traced by traceRequests: a server span per request named by its route, exported to
// a real OTLP/HTTP receiver; the span stays active through body parsing into the handler, so log
// lines carry its ids and outgoing fetch calls carry its traceparent.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { startOtlpReceiver, type OtlpReceiver } from '../src/testing/index.js';
import { createTracing, traceLogFields, traceRequests, type Tracing } from '../src/index.js';

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

describe('traced Fastify requests', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let app: FastifyInstance;
  let url: string;
  const logs: Record<string, unknown>[] = [];
  const seenUpstream: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    seenUpstream.push(req.headers);
    res.end('ok');
  });

  before(async () => {
    receiver = await startOtlpReceiver();
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
    tracing = createTracing({ service: 'demo', env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_BSP_SCHEDULE_DELAY: '50' } });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    app = Fastify({ loggerInstance: pino({ level: 'info', mixin: traceLogFields }, sink) as FastifyBaseLogger });
    traceRequests(app, tracing);
    app.post<{ Params: { id: string }; Body: { note: string } }>('/things/:id', async (request) => {
      request.log.info({ note: request.body.note }, 'thing noted');
      await fetch(upstreamUrl);
      return { id: request.params.id };
    });
    app.get('/boom', async () => {
      throw new Error('kaput');
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await app.close();
    await tracing.shutdown();
    await receiver.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('names the span by route, links it to the caller, and keeps it active past the body into logs and outgoing calls', async () => {
    const response = await fetch(`${url}/things/42`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ note: 'hello' }),
    });
    assert.equal(response.status, 200);
    const spans = await receiver.waitFor((all) => all.some((span) => span.name === 'POST /things/:id'));
    const span = spans.find((entry) => entry.name === 'POST /things/:id')!;
    assert.deepEqual(
      [span.service, span.kind, span.traceId, span.parentSpanId, span.attributes['http.route'], span.attributes['http.response.status_code']],
      ['demo', 2, CLIENT_TRACE, CLIENT_SPAN, '/things/:id', 200],
    );
    const line = logs.find((entry) => entry.msg === 'thing noted');
    assert.deepEqual([line?.trace_id, line?.span_id], [CLIENT_TRACE, span.spanId]);
    // The upstream's parent is the client span of that call, the child of the request's span.
    const call = (await receiver.waitFor((all) => all.some((entry) => entry.kind === 3 && entry.parentSpanId === span.spanId))).find((entry) => entry.parentSpanId === span.spanId)!;
    assert.equal(seenUpstream.at(-1)?.traceparent, `00-${CLIENT_TRACE}-${call.spanId}-01`);
  });

  it('starts a trace for a request without one and logs its failure under it', async () => {
    const response = await fetch(`${url}/boom`);
    assert.equal(response.status, 500);
    const spans = await receiver.waitFor((all) => all.some((span) => span.name === 'GET /boom'));
    const span = spans.find((entry) => entry.name === 'GET /boom')!;
    assert.equal(span.parentSpanId, '');
    assert.equal(span.attributes['http.response.status_code'], 500);
    const line = logs.find((entry) => entry.level === 50);
    assert.deepEqual([line?.trace_id, line?.span_id], [span.traceId, span.spanId]);
  });

  it('adds no traceparent to calls made outside any request', async () => {
    await fetch(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`);
    assert.equal(seenUpstream.at(-1)?.traceparent, undefined);
  });
});
