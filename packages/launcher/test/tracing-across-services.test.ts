// One trace across the system, with export on: a client's request through the gateway (its own
// process) to the data service (its own process), which reads TokenDealer's metadata and keys to
// check the token. A real OTLP/HTTP receiver gets every span: one trace id, each hop the child of
// the one before (server, then the caller's client span, then the callee's server span), each under
// its service's name; the gateway's log line names the trace.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver, startTestTokenDealer, type OtlpReceiver, type ReceivedSpan, type TestTokenDealer } from '@runnerly/test-support';

const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));
const AUDIENCE = 'http://127.0.0.1:8080/api';
const CLIENT_TRACE = '5b8efff798038103d269b633813fc60c';
const CLIENT_SPAN = 'eee19b7ec3c1b174';
const SERVER = 2;
const CLIENT = 3;

interface Service {
  url: string;
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts a service's bin and resolves with the URL of its "listening on" line; its JSON log lines are kept. */
function startBin(bin: string, args: string[], env: Record<string, string>): Promise<Service> {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${bin} exited with ${code}: ${JSON.stringify(logs.slice(-3))}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /listening on (http:\/\/\S+)/.exec(chunk.toString('utf8'))?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, logs, stop });
    });
  });
}

describe('a trace across gateway, data service and TokenDealer', () => {
  let receiver: OtlpReceiver;
  let tokenDealer: TestTokenDealer;
  let dataService: Service;
  let gateway: Service;
  const dir = mkdtempSync(join(tmpdir(), 'runnerly-tracing-'));
  const saved = { endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, delay: process.env.OTEL_BSP_SCHEDULE_DELAY };

  before(async () => {
    receiver = await startOtlpReceiver();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' };
    // TokenDealer runs in this process: it reads the same variables when its app is built.
    Object.assign(process.env, otel);
    tokenDealer = await startTestTokenDealer();
    dataService = await startBin(join(PACKAGES, 'dataservice/bin/runnerly-dataservice.js'), [], {
      ...otel,
      DATASERVICE_PORT: '0',
      DATASERVICE_DB: `sqlite:${join(dir, 'dataservice.sqlite')}`,
      TOKENDEALER_ISSUER: tokenDealer.issuer,
      PUBLIC_API_AUDIENCE: AUDIENCE,
    });
    const config = join(dir, 'gateway.json');
    writeFileSync(config, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, routes: [{ prefix: '/api/data/', upstream: [dataService.url] }] }));
    gateway = await startBin(join(PACKAGES, 'gateway/bin/runnerly-gateway.js'), ['--config', config], otel);
  });

  after(async () => {
    await gateway?.stop();
    await dataService?.stop();
    await tokenDealer?.stop();
    await receiver?.close();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved.endpoint;
    process.env.OTEL_BSP_SCHEDULE_DELAY = saved.delay;
    if (saved.endpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (saved.delay === undefined) delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    rmSync(dir, { recursive: true, force: true });
  });

  it('links every hop of one request in one trace, each span under its service', async () => {
    const sub = crypto.randomUUID();
    const token = tokenDealer.userToken({ scopes: ['profile'], audience: AUDIENCE, sub });
    const response = await fetch(`${gateway.url}/api/data/users/${sub}`, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
    });
    assert.equal(response.status, 200);

    const byName = (spans: ReceivedSpan[], service: string, kind: number, name: string) => spans.find((s) => s.service === service && s.kind === kind && s.name === name);
    // The data service's own calls, told apart by the path of their url.full.
    const callTo = (spans: ReceivedSpan[], path: string) =>
      spans.find((s) => s.service === 'dataservice' && s.kind === CLIENT && s.name === 'GET' && new URL(String(s.attributes['url.full'])).pathname === path);
    const spans = await receiver.waitFor(
      (all) =>
        byName(all, 'dataservice', SERVER, 'GET /api/data/users/:sub') !== undefined &&
        byName(all, 'tokendealer', SERVER, 'GET /.well-known/jwks.json') !== undefined &&
        callTo(all, '/.well-known/jwks.json') !== undefined &&
        byName(all, 'runnerly-gateway', CLIENT, 'GET') !== undefined,
    );
    const edge = byName(spans, 'runnerly-gateway', SERVER, 'GET /api/data/')!;
    const forward = byName(spans, 'runnerly-gateway', CLIENT, 'GET')!;
    const data = byName(spans, 'dataservice', SERVER, 'GET /api/data/users/:sub')!;
    const metadata = byName(spans, 'tokendealer', SERVER, 'GET /.well-known/oauth-authorization-server')!;
    const keys = byName(spans, 'tokendealer', SERVER, 'GET /.well-known/jwks.json')!;
    const metadataCall = callTo(spans, '/.well-known/oauth-authorization-server')!;
    const keysCall = callTo(spans, '/.well-known/jwks.json')!;
    assert.ok(edge && metadata && metadataCall, JSON.stringify(spans.map((s) => [s.service, s.kind, s.name])));

    for (const span of [edge, forward, data, metadataCall, metadata, keysCall, keys]) assert.equal(span.traceId, CLIENT_TRACE, `${span.service} ${span.name}`);
    assert.equal(edge.parentSpanId, CLIENT_SPAN);
    assert.equal(forward.parentSpanId, edge.spanId);
    // The traceparent the data service received named the gateway's client span.
    assert.equal(data.parentSpanId, forward.spanId);
    // The data service's calls to TokenDealer are client spans under its server span, each the
    // parent TokenDealer's server span received.
    assert.deepEqual([metadataCall.parentSpanId, metadata.parentSpanId], [data.spanId, metadataCall.spanId]);
    assert.deepEqual([keysCall.parentSpanId, keys.parentSpanId], [data.spanId, keysCall.spanId]);
    assert.deepEqual([keysCall.attributes['http.response.status_code'], keysCall.attributes['server.address'], keysCall.statusCode], [200, '127.0.0.1', 0]);
    assert.equal(data.attributes['http.response.status_code'], 200);
    assert.equal(edge.attributes['http.response.status_code'], 200);
  });

  it('writes the trace id into the log lines of a request', async () => {
    const trace = '6e0c63257de34c92bf9efcd03927272e';
    // fetch refuses to send TRACE; the gateway's firewall refuses it with a logged line.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${gateway.url}/api/data/users/x`, { method: 'TRACE', headers: { traceparent: `00-${trace}-${CLIENT_SPAN}-01` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 405);
    const deadline = Date.now() + 5000;
    let line: Record<string, unknown> | undefined;
    while ((line = gateway.logs.find((entry) => entry.event === 'refused' && entry.status === 405)) === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(line?.trace_id, trace);
    assert.match(String(line?.span_id), /^[0-9a-f]{16}$/);
  });
});
