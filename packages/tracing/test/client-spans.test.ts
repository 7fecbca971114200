// Client spans for the calls a service makes: two traced Fastify services on loopback exporting to a
// real OTLP/HTTP receiver; alpha calls beta with fetch and with undici. Each call is a CLIENT span,
// child of alpha's server span and parent of beta's, named and described as the OpenTelemetry HTTP
// conventions ask, headers never recorded; failures before an answer (refused, timed out), 4xx and 5xx
// answers are errors. With tracing off the caller's traceparent is passed on as before.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { request as undiciRequest } from 'undici';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../src/testing/index.js';
import { createTracing, traceRequests, type Tracing } from '../src/index.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;
const SECRETS = { authorization: 'Bearer secret-token-xyz', cookie: 'sid=secret-cookie-abc' };

/** A port nothing listens on: taken from a server that is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tracedApp(tracing: Tracing): FastifyInstance {
  const app = Fastify();
  traceRequests(app, tracing);
  return app;
}

describe('client spans for outgoing calls', () => {
  let receiver: OtlpReceiver;
  let alphaTracing: Tracing;
  let betaTracing: Tracing;
  let alpha: FastifyInstance;
  let beta: FastifyInstance;
  let alphaUrl: string;
  let betaPort: number;
  let refusedPort: number;
  const betaSaw: IncomingHttpHeaders[] = [];

  before(async () => {
    receiver = await startOtlpReceiver();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
    alphaTracing = createTracing({ service: 'alpha', env });
    betaTracing = createTracing({ service: 'beta', env });
    refusedPort = await closedPort();

    beta = tracedApp(betaTracing);
    beta.route({
      method: ['GET', 'POST'],
      url: '/things',
      handler: async (request) => {
        betaSaw.push(request.headers);
        return { ok: true };
      },
    });
    beta.get('/broken', async (_request, reply) => reply.code(503).send({ ok: false }));
    beta.get('/missing', async (_request, reply) => reply.code(404).send({ ok: false }));
    // Answers long after the caller gave up.
    beta.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 1500)));
    await beta.listen({ host: '127.0.0.1', port: 0 });
    betaPort = (beta.server.address() as AddressInfo).port;
    const betaUrl = `http://127.0.0.1:${betaPort}`;

    alpha = tracedApp(alphaTracing);
    alpha.get('/fetch', async () => {
      const response = await fetch(`${betaUrl}/things?code=oauth-code-123&page=2`, { headers: SECRETS });
      return { status: response.status, body: await response.json() };
    });
    alpha.get('/undici', async () => {
      const response = await undiciRequest(`${betaUrl}/things`, { method: 'POST', headers: SECRETS, body: '' });
      await response.body.dump();
      return { status: response.statusCode };
    });
    alpha.get('/broken', async () => ({ status: (await fetch(`${betaUrl}/broken`)).status }));
    alpha.get('/missing', async () => ({ status: (await fetch(`${betaUrl}/missing`)).status }));
    alpha.get('/refused', async (_request, reply) => {
      const failure = await fetch(`http://127.0.0.1:${refusedPort}/nowhere`).catch((error: unknown) => error);
      return reply.code(502).send({ failed: failure instanceof Error });
    });
    alpha.get('/timeout', async (_request, reply) => {
      const failure = await fetch(`${betaUrl}/slow`, { signal: AbortSignal.timeout(200) }).catch((error: unknown) => error);
      return reply.code(504).send({ failed: failure instanceof Error });
    });
    alphaUrl = await alpha.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await alpha.close();
    await beta.close();
    await alphaTracing.shutdown();
    await betaTracing.shutdown();
    await receiver.close();
  });

  /** Calls alpha's route under a known trace and returns the spans of that call: alpha's server span, its client span, beta's server span. */
  async function traced(path: string, betaSpanName?: string): Promise<{ server: ReceivedSpan; client: ReceivedSpan; downstream: ReceivedSpan | undefined; trace: string }> {
    const trace = crypto.randomUUID().replaceAll('-', '');
    await fetch(`${alphaUrl}${path}`, { headers: { traceparent: `00-${trace}-${CLIENT_SPAN}-01` } });
    const inTrace = (all: ReceivedSpan[]) => all.filter((span) => span.traceId === trace);
    const spans = inTrace(
      await receiver.waitFor((all) => {
        const mine = inTrace(all);
        return mine.some((s) => s.kind === SERVER && s.service === 'alpha') && mine.some((s) => s.kind === CLIENT) && (betaSpanName === undefined || mine.some((s) => s.name === betaSpanName));
      }),
    );
    const server = spans.find((s) => s.kind === SERVER && s.service === 'alpha')!;
    const client = spans.find((s) => s.kind === CLIENT)!;
    const downstream = spans.find((s) => s.kind === SERVER && s.service === 'beta');
    return { server, client, downstream, trace };
  }

  it('makes a fetch call a CLIENT span between the caller server span and the callee server span', async () => {
    const { server, client, downstream, trace } = await traced('/fetch', 'GET /things');
    assert.deepEqual([server.parentSpanId, client.parentSpanId, downstream?.parentSpanId], [CLIENT_SPAN, server.spanId, client.spanId]);
    assert.deepEqual([client.service, client.name, client.statusCode], ['alpha', 'GET', 0]);
    // Exactly these attributes: no header of any kind, the OAuth code redacted, the rest of the query kept.
    assert.deepEqual(client.attributes, {
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': betaPort,
      'url.full': `http://127.0.0.1:${betaPort}/things?code=REDACTED&page=2`,
      'http.response.status_code': 200,
    });
    assert.equal(betaSaw.at(-1)?.traceparent, `00-${trace}-${client.spanId}-01`);
    const exported = JSON.stringify(receiver.spans);
    assert.ok(!exported.includes('secret-token-xyz') && !exported.includes('secret-cookie-abc') && !exported.includes('oauth-code-123'), exported);
  });

  it('makes an undici call a CLIENT span too', async () => {
    const { server, client, downstream, trace } = await traced('/undici', 'POST /things');
    assert.deepEqual([server.parentSpanId, client.parentSpanId, downstream?.parentSpanId], [CLIENT_SPAN, server.spanId, client.spanId]);
    assert.deepEqual([client.name, client.attributes['http.request.method'], client.attributes['url.full'], client.attributes['http.response.status_code']], ['POST', 'POST', `http://127.0.0.1:${betaPort}/things`, 200]);
    assert.equal(betaSaw.at(-1)?.traceparent, `00-${trace}-${client.spanId}-01`);
  });

  it('marks a 5xx answer as an error', async () => {
    const { client, downstream } = await traced('/broken', 'GET /broken');
    assert.equal(downstream?.parentSpanId, client.spanId);
    assert.deepEqual([client.statusCode, client.attributes['http.response.status_code'], client.attributes['error.type']], [ERROR, 503, '503']);
  });

  it('marks a 4xx answer as an error on the client span only (the server answered as it should)', async () => {
    const { server, client, downstream } = await traced('/missing', 'GET /missing');
    assert.deepEqual([client.statusCode, client.attributes['http.response.status_code'], client.attributes['error.type']], [ERROR, 404, '404']);
    assert.deepEqual([downstream?.statusCode, downstream?.attributes['http.response.status_code']], [0, 404]);
    assert.deepEqual([server.statusCode, server.attributes['http.response.status_code']], [0, 200]);
  });

  it('records a refused connection as a CLIENT span with an error status and no response status', async () => {
    const { server, client } = await traced('/refused');
    assert.equal(client.parentSpanId, server.spanId);
    assert.deepEqual([client.name, client.statusCode, client.attributes['error.type'], client.attributes['server.port']], ['GET', ERROR, 'ECONNREFUSED', refusedPort]);
    assert.equal(client.attributes['http.response.status_code'], undefined);
    assert.equal(server.attributes['http.response.status_code'], 502);
  });

  it('records a call given up before its answer as an error, ended when it was given up', async () => {
    const started = Date.now();
    const { client } = await traced('/timeout');
    assert.ok(Date.now() - started < 1500, 'the client span ended before the slow answer');
    assert.deepEqual([client.statusCode, client.attributes['http.response.status_code'], client.attributes['error.type']], [ERROR, undefined, 'TimeoutError']);
  });

  it('adds no client span when tracing is off: the request traceparent is passed on unchanged', async () => {
    const upstreamSaw: IncomingHttpHeaders[] = [];
    const upstream = createServer((req, res) => {
      upstreamSaw.push(req.headers);
      res.end('ok');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const off = createTracing({ service: 'quiet', env: {} });
    const app = tracedApp(off);
    app.get('/call', async () => (await fetch(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`)).text());
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const incoming = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
      assert.equal((await fetch(`${url}/call`, { headers: { traceparent: incoming } })).status, 200);
      assert.equal(upstreamSaw.at(-1)?.traceparent, incoming);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(receiver.spans.filter((span) => span.traceId === CLIENT_TRACE || span.service === 'quiet').length, 0);
    } finally {
      await app.close();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
