// The reverse proxy against real upstreams: streaming both ways, header hygiene, X-Forwarded-*,
// round robin, passive health, and 502/504/413 problem answers.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { after, describe, it } from 'node:test';
import { send, sendRaw, sleep } from './gateway-support/client.js';
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

interface Echo {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  bytes: number;
}

describe('forwarding', () => {
  it('streams a large request body and a large response without buffering them', async () => {
    const CHUNK = Buffer.alloc(64 * 1024, 'a');
    const CHUNKS = 64; // 4 MiB each way
    let firstChunkSeen!: () => void;
    const upstreamSawFirstChunk = new Promise<void>((resolve) => (firstChunkSeen = resolve));
    const upstream = await track(
      startUpstream((req, res) => {
        let received = 0;
        req.once('data', () => firstChunkSeen());
        req.on('data', (chunk: Buffer) => (received += chunk.length));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-received': String(received) });
          let sent = 0;
          const pump = (): void => {
            while (sent < CHUNKS) {
              sent++;
              if (!res.write(CHUNK)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
        });
      }),
    );
    const gw = await track(startGateway({ routes: [{ prefix: '/up/', upstream: [upstream.origin], maxBodyBytes: 8 * 1024 * 1024 }] }));

    const answer = new Promise<{ status: number; received: string; bytes: number }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/up/load`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, received: String(res.headers['x-received']), bytes }));
      });
      req.on('error', reject);
      // Chunked upload: the first two chunks are written (past the 64 KiB bodyBufferBytes, the part of a
      // body received before an upstream is taken), and the rest only after the upstream has seen data.
      req.write(CHUNK);
      req.write(CHUNK);
      upstreamSawFirstChunk.then(() => {
        for (let i = 2; i < CHUNKS; i++) req.write(CHUNK);
        req.end();
      }, reject);
    });
    const result = await answer;
    assert.deepEqual(result, { status: 200, received: String(CHUNK.length * CHUNKS), bytes: CHUNK.length * CHUNKS });
  });

  it('removes hop-by-hop headers both ways and sets X-Forwarded-*', async () => {
    const upstream = await track(
      startUpstream((req, res) => {
        const body = JSON.stringify({ headers: req.headers });
        res.writeHead(200, [
          'content-type', 'application/json',
          'content-length', String(Buffer.byteLength(body)),
          'connection', 'x-upstream-private',
          'x-upstream-private', 'secret',
          'keep-alive', 'timeout=99',
          'proxy-authenticate', 'Basic',
          'x-kept', 'yes',
        ]);
        res.end(body);
      }),
    );
    const gw = await track(startGateway({ routes: [{ prefix: '/h/', upstream: [upstream.origin] }] }));
    const answer = await send(`${gw.url}/h/x?q=1`, {
      headers: {
        connection: 'x-client-private',
        'x-client-private': 'drop me',
        te: 'trailers',
        'proxy-authorization': 'Basic abc',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'forged.example',
        'x-end-to-end': 'kept',
      },
    });
    assert.equal(answer.status, 200);
    const { headers } = answer.json<{ headers: Record<string, string> }>();
    for (const name of ['x-client-private', 'te', 'proxy-authorization']) assert.equal(headers[name], undefined, name);
    assert.equal(headers['x-end-to-end'], 'kept');
    // The untrusted client's own X-Forwarded-For is kept and the peer appended (as nginx does);
    // Proto and Host come from the gateway because the peer is not a trusted proxy.
    assert.equal(headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-forwarded-host'], new URL(gw.url).host);
    assert.equal(headers.host, new URL(upstream.origin).host);

    assert.equal(answer.headers['x-upstream-private'], undefined);
    assert.equal(answer.headers['proxy-authenticate'], undefined);
    assert.notEqual(answer.headers['keep-alive'], 'timeout=99');
    assert.equal(answer.headers['x-kept'], 'yes');
  });

  it('keeps X-Forwarded-Proto and -Host from a trusted proxy', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(startGateway({ trustedProxies: ['127.0.0.0/8'], routes: [{ prefix: '/t/', upstream: [upstream.origin] }] }));
    const answer = await send(`${gw.url}/t/`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.runnerly.test', 'x-forwarded-for': '198.51.100.7' } });
    const { headers } = answer.json<Echo>();
    assert.equal(headers['x-forwarded-proto'], 'https');
    assert.equal(headers['x-forwarded-host'], 'api.runnerly.test');
    assert.equal(headers['x-forwarded-for'], '198.51.100.7, 127.0.0.1');
  });

  it('routes by longest prefix and answers 404 as problem+json without a route', async () => {
    const a = await track(startUpstream(undefined, 'a'));
    const b = await track(startUpstream(undefined, 'b'));
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [a.origin] }, { prefix: '/api/runs/', upstream: [b.origin] }] }));
    assert.equal((await send(`${gw.url}/api/users`)).json<Echo>().name, 'a');
    const runs = (await send(`${gw.url}/api/runs/7?full=1`)).json<Echo>();
    assert.equal(runs.name, 'b');
    assert.equal(runs.url, '/api/runs/7?full=1');
    const missing = await send(`${gw.url}/other`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json');
    assert.deepEqual(missing.json(), { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no route for this path' });
  });

  it('takes upstreams in turn', async () => {
    const upstreams = [await track(startUpstream(undefined, 'one')), await track(startUpstream(undefined, 'two')), await track(startUpstream(undefined, 'three'))];
    const gw = await track(startGateway({ routes: [{ prefix: '/rr/', upstream: upstreams.map((u) => u.origin) }] }));
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push((await send(`${gw.url}/rr/`)).json<Echo>().name);
    assert.deepEqual(names, ['one', 'two', 'three', 'one', 'two', 'three']);
  });
});

describe('upstream failures', () => {
  let closedOrigin: string;
  it('answers 502 as problem+json when the upstream cannot be reached, and skips it after repeated failures', async () => {
    // A port that was just in use and is now closed: connections are refused.
    const gone = await startUpstream();
    closedOrigin = gone.origin;
    await gone.close();
    const healthy = await track(startUpstream(undefined, 'healthy'));
    const gw = await track(
      startGateway({
        routes: [
          { prefix: '/down/', upstream: [closedOrigin] },
          // No next upstream here: each failure reaches the client (gateway-next-upstream.test.ts retries).
          { prefix: '/mixed/', upstream: [closedOrigin, healthy.origin], passiveHealth: { maxFailures: 2, cooldownMs: 60_000 }, nextUpstream: { tries: 1 } },
        ],
      }),
    );
    const down = await send(`${gw.url}/down/x`);
    assert.equal(down.status, 502);
    assert.equal(down.headers['content-type'], 'application/problem+json');
    assert.equal(down.json().title, 'Bad Gateway');
    assert.match(String(down.json().detail), /ECONNREFUSED/);

    // Round robin alternates: the dead upstream fails twice, then is skipped for its cooldown.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(`${gw.url}/mixed/`)).status);
    assert.deepEqual(statuses, [502, 200, 502, 200, 200, 200, 200, 200]);
    assert.ok(gw.logs.some((line) => line.event === 'upstream-failed' && line.outcome === 'unreachable'));
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const slow = await track(startUpstream((_req, res) => setTimeout(() => res.end('late'), 2000).unref()));
    const gw = await track(startGateway({ routes: [{ prefix: '/slow/', upstream: [slow.origin], timeout: { responseMs: 200 } }] }));
    const startedAt = Date.now();
    const answer = await send(`${gw.url}/slow/`);
    assert.equal(answer.status, 504);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    assert.deepEqual(answer.json(), {
      type: 'about:blank',
      title: 'Gateway Timeout',
      status: 504,
      detail: 'the upstream did not answer in time (UND_ERR_HEADERS_TIMEOUT)',
    });
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 190 && elapsed < 1500, `answered after ${elapsed} ms`);
  });
});

describe('body size', () => {
  let gw: TestGateway;
  let upstream: TestUpstream;
  it('refuses a declared body over maxBodyBytes with 413 before the upstream sees it', async () => {
    upstream = await track(startUpstream());
    gw = await track(
      startGateway({
        routes: [
          { prefix: '/small/', upstream: [upstream.origin], maxBodyBytes: 1000 },
          { prefix: '/small-streamed/', upstream: [upstream.origin], maxBodyBytes: 1000, bodyBufferBytes: 0 },
        ],
      }),
    );
    const answer = await send(`${gw.url}/small/`, { method: 'POST', body: Buffer.alloc(1001), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(answer.status, 413);
    assert.equal(answer.json().title, 'Content Too Large');
    assert.equal(upstream.seen.length, 0);
    const refusal = gw.logs.find((line) => line.event === 'refused' && line.status === 413);
    assert.equal(refusal?.rule, 920400);
    const fits = await send(`${gw.url}/small/`, { method: 'POST', body: Buffer.alloc(1000), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(fits.status, 200);
    assert.equal(fits.json<Echo>().bytes, 1000);
  });

  /** Sends 1200 bytes chunked to `path` (600 now, 600 a moment later); resolves with the answer. */
  function chunkedPastTheLimit(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(600));
      setTimeout(() => req.write(Buffer.alloc(600)), 50);
      // The gateway answers and closes; further writes are ignored.
      setTimeout(() => req.destroyed || req.end(), 300);
    });
  }

  it('refuses a chunked body with 413 (920400) once it passes maxBodyBytes while it is buffered, before the upstream sees it', async () => {
    const before = upstream.seen.length;
    const answer = await chunkedPastTheLimit('/small/');
    assert.equal(answer.status, 413);
    assert.equal(JSON.parse(answer.body).detail, 'Request body too large: more than 1000 bytes');
    assert.equal(upstream.seen.length, before);
  });

  it('cuts a streamed chunked body (bodyBufferBytes 0) with 413 once it passes maxBodyBytes', async () => {
    const before = upstream.seen.length;
    const answer = await chunkedPastTheLimit('/small-streamed/');
    assert.equal(answer.status, 413);
    assert.equal(JSON.parse(answer.body).detail, 'the request body exceeds 1000 bytes');
    // The upstream may have started receiving, but never got a complete request.
    await sleep(50);
    for (const req of upstream.seen.slice(before)) assert.equal(req.complete, false);
  });

  it('refuses request smuggling shapes with their rule ids', async () => {
    const raw = await sendRaw(gw.url, 'POST /small/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /application\/problem\+json/);
    assert.ok(gw.logs.some((line) => line.event === 'refused' && line.rule === 920181));
  });
});

describe('client aborts', () => {
  it('survives a client that goes away mid-response', async () => {
    const upstream = await track(
      startUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const gw = await track(startGateway({ routes: [{ prefix: '/stream/', upstream: [upstream.origin] }] }));
    const req = httpRequest(`${gw.url}/stream/`);
    req.end();
    const [res] = (await once(req, 'response')) as [NodeJS.ReadableStream];
    await once(res, 'data');
    req.destroy();
    // The upstream exchange is cut too, and the gateway keeps serving.
    await once(upstream.seen[0]!.socket, 'close');
    await sleep(20);
    assert.equal(gw.gateway.inFlight, 0);
    assert.equal((await send(`${gw.url}/_gateway/healthz`)).status, 200);
  });
});

