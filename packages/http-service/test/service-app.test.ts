import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { pino } from 'pino';
import { createServer } from 'node:net';
import { openDatabase, ping, type DatabaseHandle } from '@runnerly/database';
import { createServiceApp, listen, notFound, type ServiceApp } from '../src/index.js';

describe('the service skeleton', () => {
  let service: ServiceApp;
  let ready = true;
  let url: string;
  let unreachable: DatabaseHandle<unknown>;

  before(async () => {
    service = await createServiceApp({
      service: 'demo',
      title: 'Demo',
      description: 'a test service',
      logger: pino({ level: 'silent' }),
      readiness: async () => {
        if (!ready) throw new Error('database down');
      },
      metricsAccess: { allow: ['10.0.0.0/8'], token: 'm'.repeat(40) },
    });
    service.app.post(
      '/things',
      { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) } },
      async (request) => request.body,
    );
    service.app.post(
      '/measures',
      { schema: { body: Type.Object({ heartrate: Type.Union([Type.Number(), Type.Null()]), count: Type.Integer() }, { additionalProperties: false }) } },
      async (request) => request.body,
    );
    service.app.get('/things/:id', { schema: { params: Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }) }) } }, async () => {
      throw notFound('no such thing');
    });
    service.app.get('/boom', async () => {
      throw new Error('secret detail');
    });
    // A real PostgreSQL client whose server refuses connections, as while the database restarts.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    unreachable = openDatabase(`postgres://postgres@127.0.0.1:${closed}/none`);
    service.app.get('/from-database', async () => {
      await ping(unreachable.db);
      return { ok: true };
    });
    url = await listen(service.app, '127.0.0.1', 0);
  });
  after(async () => {
    await service.app.close();
    await unreachable.close();
  });

  it('answers bad input with 400 problem+json naming the field', async () => {
    const response = await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', count: -1 }) });
    assert.equal(response.status, 400);
    assert.match(String(response.headers.get('content-type')), /^application\/problem\+json/);
    const problem = (await response.json()) as Record<string, unknown>;
    assert.equal(problem.field, 'count');
    assert.equal(problem.status, 400);
    const missing = await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 1 }) });
    assert.equal(((await missing.json()) as Record<string, unknown>).field, 'name');
    const extra = await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'a', count: 1, admin: true }) });
    assert.deepEqual(((await extra.json()) as { errors: unknown }).errors, [{ field: 'admin', detail: 'is not a known field' }]);
    const param = await fetch(`${url}/things/ABC`);
    assert.equal(((await param.json()) as Record<string, unknown>).field, 'id');
  });

  it('never coerces body values: null stays null, text is not a number', async () => {
    const post = (body: unknown) => fetch(`${url}/measures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const kept = await post({ heartrate: null, count: 3 });
    assert.equal(kept.status, 200);
    assert.deepEqual(await kept.json(), { heartrate: null, count: 3 });
    const text = await post({ heartrate: 150, count: '3' });
    assert.equal(text.status, 400);
    assert.equal(((await text.json()) as Record<string, unknown>).field, 'count');
  });

  it('coerces query and path values to their schema types', async () => {
    const param = await fetch(`${url}/things/abc`);
    assert.equal(param.status, 404, 'a valid id reaches the handler');
  });

  it('answers malformed JSON with 400 and unknown routes with 404, both as problems', async () => {
    const response = await fetch(`${url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    assert.equal(response.status, 400);
    assert.match(String(response.headers.get('content-type')), /^application\/problem\+json/);
    const unknown = await fetch(`${url}/nope`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as Record<string, unknown>).detail, 'no route for GET /nope');
  });

  it('never shows an unexpected error to the caller', async () => {
    const response = await fetch(`${url}/boom`);
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /secret detail/);
  });

  it('answers 503 with Retry-After, not 500, while its database cannot be reached', async () => {
    const response = await fetch(`${url}/from-database`);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.deepEqual(await response.json(), { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'a dependency is unavailable; try again shortly' });
  });

  it('reports liveness always and readiness from its check', async () => {
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    ready = false;
    const down = await fetch(`${url}/readyz`);
    ready = true;
    assert.equal(down.status, 503);
  });

  it('serves metrics only to allowed addresses or the metrics token', async () => {
    assert.equal((await fetch(`${url}/metrics`)).status, 403);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${'m'.repeat(40)}` } });
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    // The request count is the histogram's _count: one naming for every service, the gateway and TokenDealer.
    assert.match(text, /^http_server_request_duration_seconds_count\{method="POST",route="\/things",status="400"\} [1-9]\d*$/m);
    assert.match(text, /^http_server_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/things",status="400"\} [1-9]\d*$/m);
    assert.match(text, /^process_cpu_seconds_total /m);
  });

  it('describes its routes in the OpenAPI document and serves docs', async () => {
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(document.openapi, '3.1.0');
    assert.ok(document.paths['/things']);
    assert.equal((await fetch(`${url}/docs/`)).status, 200);
  });
});
