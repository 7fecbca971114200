// nginx proxy_next_upstream against real upstreams: a refused connection is retried on the next
// upstream whatever the method, a connection cut before the answer only for idempotent requests,
// never once the answer has begun; the upstream that answers receives the request exactly once.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { send } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

const started: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  started.push(value);
  return value;
}
after(async () => {
  for (const thing of started.reverse()) await thing.close();
});

/** An origin nothing listens on: connections are refused. */
async function refusingOrigin(): Promise<string> {
  const gone = await startUpstream();
  await gone.close();
  return gone.origin;
}

/** Reads the whole request, then cuts the connection without answering (a crash mid-request). */
function cutAfterRequest(req: IncomingMessage): void {
  req.resume();
  req.on('end', () => req.socket.destroy());
}

/** Bodies the healthy upstream received, by request. */
async function recordingUpstream(name: string): Promise<TestUpstream & { bodies: string[] }> {
  const bodies: string[] = [];
  const upstream = await startUpstream((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`);
      res.end(name);
    });
  }, name);
  return { ...upstream, bodies };
}

const failures = (gw: TestGateway): unknown[] => gw.logs.filter((line) => line.event === 'upstream-failed').map((line) => line.outcome);

describe('next upstream', () => {
  it('retries a refused connection on the next upstream, POST included, and the request arrives once', async () => {
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [await refusingOrigin(), healthy.origin], passiveHealth: { maxFailures: 2, cooldownMs: 60_000 } }] }));
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await send(`${gw.url}/runs/${i}`));
    const posted = await send(`${gw.url}/runs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'one run' });
    assert.deepEqual([...answers, posted].map((answer) => [answer.status, answer.body]), [[200, 'healthy'], [200, 'healthy'], [200, 'healthy'], [200, 'healthy']]);
    assert.deepEqual(healthy.bodies, ['GET /runs/0 ', 'GET /runs/1 ', 'GET /runs/2 ', 'POST /runs one run']);
    // Two refusals (maxFailures) put the dead upstream in cooldown: the later requests never tried it.
    assert.deepEqual(failures(gw), ['unreachable', 'unreachable']);
  });

  it('retries an idempotent request whose connection was cut before the answer; the next upstream gets it once', async () => {
    const crashing = await track(startUpstream(cutAfterRequest, 'crashing'));
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [crashing.origin, healthy.origin] }] }));
    const answer = await send(`${gw.url}/runs/7`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'edited' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'healthy');
    assert.equal(crashing.seen.length, 1);
    assert.deepEqual(healthy.bodies, ['PUT /runs/7 edited']);
  });

  it('does not retry a POST whose bytes reached an upstream that then failed: 502', async () => {
    const crashing = await track(startUpstream(cutAfterRequest, 'crashing'));
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [crashing.origin, healthy.origin] }] }));
    const answer = await send(`${gw.url}/runs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a run' });
    assert.equal(answer.status, 502);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    assert.equal(crashing.seen.length, 1);
    assert.deepEqual(healthy.bodies, []);
  });

  it('does not retry once the answer has begun: the client sees the cut', async () => {
    const halfway = await track(
      startUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
        res.write('first part');
        setTimeout(() => res.socket?.destroy(), 50);
      }, 'halfway'),
    );
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [halfway.origin, healthy.origin] }] }));
    const seen = await new Promise<{ status: number; received: string; error: string }>((resolve) => {
      let status = 0;
      let received = '';
      const req = httpRequest(`${gw.url}/runs`, (res) => {
        status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ status, received, error: error.code ?? error.message }));
        res.on('end', () => resolve({ status, received, error: 'none' }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ status, received, error: error.code ?? error.message }));
      req.end();
    });
    assert.deepEqual(seen, { status: 200, received: 'first part', error: 'ECONNRESET' });
    assert.deepEqual(healthy.bodies, []);
  });

  it('does not retry a body that streamed (it cannot be sent again)', async () => {
    const crashing = await track(startUpstream(cutAfterRequest, 'crashing'));
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [crashing.origin, healthy.origin], bodyBufferBytes: 0 }] }));
    const answer = await send(`${gw.url}/runs/7`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: 'streamed' });
    assert.equal(answer.status, 502);
    assert.deepEqual(healthy.bodies, []);
  });

  it('retries a response-head timeout on an idempotent request, unless "timeout" is left out of nextUpstream.on', async () => {
    const silent = await track(startUpstream(() => undefined, 'silent'));
    const healthy = await track(recordingUpstream('healthy'));
    const upstream = [silent.origin, healthy.origin];
    const gw = await track(
      startGateway({
        routes: [
          { prefix: '/both/', upstream, timeout: { responseMs: 200 } },
          { prefix: '/errors-only/', upstream, timeout: { responseMs: 200 }, nextUpstream: { on: ['error'] } },
        ],
      }),
    );
    const retried = await send(`${gw.url}/both/x`);
    assert.deepEqual([retried.status, retried.body], [200, 'healthy']);
    const notRetried = await send(`${gw.url}/errors-only/x`);
    assert.equal(notRetried.status, 504);
    assert.deepEqual(healthy.bodies, ['GET /both/x ']);
  });

  it('tries at most nextUpstream.tries upstreams (1: none after the first)', async () => {
    const healthy = await track(recordingUpstream('healthy'));
    const gw = await track(startGateway({ routes: [{ prefix: '/', upstream: [await refusingOrigin(), healthy.origin], nextUpstream: { tries: 1 } }] }));
    assert.equal((await send(`${gw.url}/a`)).status, 502);
    assert.equal((await send(`${gw.url}/b`)).status, 200);
  });

  it('refuses an unknown condition in nextUpstream.on', async () => {
    await assert.rejects(startGateway({ routes: [{ prefix: '/', upstream: ['http://127.0.0.1:9'], nextUpstream: { on: ['http_502'] } }] }), /nextUpstream\.on/);
  });
});
