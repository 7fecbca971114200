// Slow clients against an upstream's connection pool: a body that stops coming is answered 408 (the
// body timeout), a small body is received whole before an upstream connection is taken, and one
// client cannot hold more than its share of the pool. Small timeouts and pools keep the tests fast;
// the clients that matter here stall outright, so no test depends on how fast the machine is.
import assert from 'node:assert/strict';
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { after, describe, it } from 'node:test';
import { send, sendRaw, sleep, type Answer } from './gateway-support/client.js';
import { startGateway, startUpstream, type TestUpstream } from './gateway-support/servers.js';

const started: { close(): Promise<void> }[] = [];
async function track<T extends { close(): Promise<void> }>(thing: Promise<T>): Promise<T> {
  const value = await thing;
  started.push(value);
  return value;
}
after(async () => {
  for (const thing of started.reverse()) await thing.close();
});

const agent = new Agent({ keepAlive: false });

interface SlowUpload {
  readonly answer: Promise<Answer>;
  /** Sends `bytes` more of the body. */
  write(bytes: number): void;
  /** Sends the rest of the body. */
  finish(): void;
}

/** A POST whose body is sent in part now, more with `write`, the rest with `finish`. */
function slowUpload(url: string, headers: OutgoingHttpHeaders, declaredBytes: number, sentNow: number): SlowUpload {
  let answered!: (answer: Answer) => void;
  let failed!: (error: Error) => void;
  const answer = new Promise<Answer>((resolve, reject) => ((answered = resolve), (failed = reject)));
  const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': declaredBytes, ...headers } }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      answered({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
    });
  });
  req.on('error', failed);
  let sent = sentNow;
  req.write(Buffer.alloc(sentNow, 'a'));
  return {
    answer,
    write: (bytes) => {
      sent += bytes;
      req.write(Buffer.alloc(bytes, 'a'));
    },
    finish: () => req.end(Buffer.alloc(declaredBytes - sent, 'a')),
  };
}

/** `promise`, or a failure naming `what` after `ms` (the gateway should have answered long before). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Waits until `condition` holds (polling), failing after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const requestLines = (upstream: TestUpstream): string[] => upstream.seen.map((req) => `${req.method} ${req.url}`);

describe('request body timeout (timeout.clientBodyMs)', () => {
  it('answers 408 with Connection: close when a buffered body stops coming, and the upstream sees nothing', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin], timeout: { clientBodyMs: 200 } }] }));
    const raw = await sendRaw(gw.url, 'POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n0123456789', 10_000);
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.match(raw, /\r\nconnection: close\r\n/i);
    assert.match(raw, /"status":408,"detail":"no request body bytes received for 200 ms"/);
    assert.deepEqual(requestLines(upstream), []);
    assert.ok(gw.logs.some((line) => line.event === 'refused' && line.status === 408 && line.rule === 'body-timeout'));
  });

  it('answers 408 when a streamed body stops coming, and aborts the upstream request', async () => {
    const upstream = await track(startUpstream(() => {
      // Never answers: the request must end by the gateway's abort.
    }));
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin], bodyBufferBytes: 16, timeout: { clientBodyMs: 200 } }] }));
    const raw = await sendRaw(gw.url, 'POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n0123456789012345678901234567890123456789', 10_000);
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.match(raw, /\r\nconnection: close\r\n/i);
    assert.deepEqual(requestLines(upstream), ['POST /api/upload']);
    const forwarded = upstream.seen[0]!;
    await until(() => forwarded.destroyed, 5000, 'the upstream request to be aborted');
    assert.equal(forwarded.complete, false);
    const metrics = await send(`${gw.url}/_gateway/metrics`);
    assert.match(metrics.body, /runnerly_gateway_upstream_requests_total\{route="\/api\/",outcome="client-timeout"\} 1/);
  });

  it('a chunked body that stops coming is answered 408 too', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin], timeout: { clientBodyMs: 200 } }] }));
    const raw = await sendRaw(gw.url, 'POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n', 10_000);
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.deepEqual(requestLines(upstream), []);
  });

  it('a body that keeps coming, slowly but within the timeout between bytes, is forwarded whole', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(startGateway({ routes: [{ prefix: '/api/', upstream: [upstream.origin], timeout: { clientBodyMs: 2000 } }] }));
    const upload = slowUpload(`${gw.url}/api/upload`, {}, 6, 1);
    for (let i = 0; i < 4; i++) {
      await sleep(100);
      upload.write(1);
    }
    await sleep(100);
    upload.finish();
    const answer = await within(upload.answer, 10_000, 'the slow upload');
    assert.equal(answer.status, 200);
    assert.equal(answer.json<{ bytes: number }>().bytes, 6);
  });
});

describe('small bodies are received whole before an upstream connection is taken (bodyBufferBytes)', () => {
  it('a client trickling a small body holds no upstream connection: others get through a pool of one', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(
      startGateway({ trustedProxies: ['127.0.0.1/32'], routes: [{ prefix: '/api/', upstream: [upstream.origin], connections: 1 }] }),
    );
    const upload = slowUpload(`${gw.url}/api/upload`, { 'x-forwarded-for': '10.0.0.1' }, 1000, 10);
    await sleep(50);
    const other = await within(send(`${gw.url}/api/read`, { headers: { 'x-forwarded-for': '10.0.0.2' } }), 5000, 'the GET of another client');
    assert.equal(other.status, 200);
    assert.deepEqual(requestLines(upstream), ['GET /api/read']);
    upload.finish();
    const answer = await within(upload.answer, 5000, 'the upload');
    assert.equal(answer.status, 200);
    assert.equal(answer.json<{ bytes: number }>().bytes, 1000);
    assert.deepEqual(requestLines(upstream), ['GET /api/read', 'POST /api/upload']);
  });
});

describe('one client gets at most connectionsPerClient of an upstream\'s connections', () => {
  it('refuses the client\'s next streamed request with 429 and Retry-After, keeps the rest of the pool for others, and frees the share when a request ends', async () => {
    const upstream = await track(startUpstream());
    // connections 4: a client's share is 1 by default. Bodies over 16 bytes stream (they take a connection at once).
    const gw = await track(
      startGateway({ trustedProxies: ['127.0.0.1/32'], routes: [{ prefix: '/api/', upstream: [upstream.origin], connections: 4, bodyBufferBytes: 16 }] }),
    );
    const client = { 'x-forwarded-for': '10.0.0.1' };
    const first = slowUpload(`${gw.url}/api/one`, client, 1000, 100);
    await until(() => upstream.seen.length === 1, 5000, 'the first upload to reach the upstream');
    const second = slowUpload(`${gw.url}/api/two`, client, 1000, 100);
    const refused = await within(second.answer, 5000, 'the second upload of the same client');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers.connection, 'close');
    assert.equal(refused.headers['content-type'], 'application/problem+json');
    assert.ok(gw.logs.some((line) => line.event === 'refused' && line.status === 429 && line.rule === 'upstream-client-share'));

    const other = await within(send(`${gw.url}/api/read`, { headers: { 'x-forwarded-for': '10.0.0.2' } }), 5000, 'the GET of another client');
    assert.equal(other.status, 200);

    first.finish();
    assert.equal((await within(first.answer, 5000, 'the first upload')).status, 200);
    const third = slowUpload(`${gw.url}/api/three`, client, 1000, 1000);
    third.finish();
    assert.equal((await within(third.answer, 5000, 'the next upload of the client')).status, 200);
    assert.deepEqual(requestLines(upstream), ['POST /api/one', 'GET /api/read', 'POST /api/three']);
  });

  it('many connections of one client trickling large bodies leave the upstream reachable for others (the probe, scaled down)', async () => {
    const upstream = await track(startUpstream());
    const gw = await track(
      startGateway({ trustedProxies: ['127.0.0.1/32'], routes: [{ prefix: '/api/', upstream: [upstream.origin], connections: 4, bodyBufferBytes: 16 }] }),
    );
    const uploads = Array.from({ length: 5 }, (_, i) => slowUpload(`${gw.url}/api/up${i}`, { 'x-forwarded-for': '10.0.0.9' }, 100_000, 1));
    const statuses: number[] = [];
    for (const upload of uploads) void upload.answer.then((answer) => statuses.push(answer.status), () => statuses.push(0));
    // Which of the five gets the share depends on arrival order: four are refused at once, one waits for its body.
    await until(() => statuses.length === 4, 5000, 'four uploads to be refused');
    assert.deepEqual(statuses, [429, 429, 429, 429]);
    const other = await within(send(`${gw.url}/api/read`, { headers: { 'x-forwarded-for': '10.0.0.2' } }), 5000, 'the GET of another client');
    assert.equal(other.status, 200);
    for (const upload of uploads) upload.finish();
    await until(() => statuses.length === 5, 5000, 'the fifth upload to be answered');
    assert.deepEqual(statuses.slice(4), [200]);
  });
});
