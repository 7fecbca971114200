// RFC 9112 section 9.6: a server that sends `Connection: close` must process nothing more from that
// connection. Each case writes a refused request and a pipelined GET in one go on a raw socket, and
// the upstream, which records every request, must see nothing; the client gets exactly one answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_WAITING_REQUESTS } from '../src/server/connection-turns.js';
import { connect, type Socket } from 'node:net';
import { sendRaw, sleep } from './gateway-support/client.js';
import { startGateway, startRecordingUpstream, type ReceivedBody, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

const PIPELINED_GET = 'GET /api/anything HTTP/1.1\r\nHost: x\r\n\r\n';

let upstream: TestUpstream & { readonly received: ReceivedBody[] };
let gw: TestGateway;

before(async () => {
  upstream = await startRecordingUpstream();
  gw = await startGateway({
    routes: [
      { prefix: '/api/', upstream: [upstream.origin] },
      { prefix: '/small/', upstream: [upstream.origin], maxBodyBytes: 16 },
      { prefix: '/streamed/', upstream: [upstream.origin], maxBodyBytes: 16, bodyBufferBytes: 0 },
      { prefix: '/share/', upstream: [upstream.origin], connections: 1, bodyBufferBytes: 0 },
      // With a case-insensitive route, /Doc%C5%BF/ (Java reads "docs") is refused before routing (920540).
      { prefix: '/Docs/', caseInsensitive: true, upstream: [upstream.origin] },
      { prefix: '/', upstream: [upstream.origin] },
    ],
  });
});
after(async () => {
  await gw.close();
  await upstream.close();
});

/** A POST to /share/ whose body stops halfway: it holds the client's one connection to the upstream. */
async function uploadHoldingTheShare(): Promise<Socket> {
  const { hostname, port } = new URL(gw.url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  socket.write('POST /share/hold HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\n01234');
  while (!upstream.seen.some((req) => req.url === '/share/hold')) await sleep(10);
  upstream.seen.length = 0;
  return socket;
}

/** The statuses of the answers in `raw` (the bodies here never contain a status line). */
function statuses(raw: string): string[] {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]!);
}

async function assertOnlyRefusal(first: string, status: number): Promise<void> {
  upstream.seen.length = 0;
  const raw = await sendRaw(gw.url, first + PIPELINED_GET, 5000);
  assert.deepEqual(statuses(raw), [String(status)], raw);
  assert.match(raw, /\r\nconnection: close\r\n/i);
  assert.deepEqual(upstream.seen.map((req) => `${req.method} ${req.url}`).filter((line) => line.startsWith('GET')), []);
}

describe('after an answer with Connection: close, the connection\'s later requests are not processed', () => {
  it('Transfer-Encoding "identity, chunked" (one header), then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n', 400);
  });

  it('Transfer-Encoding "gzip, chunked", then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', 400);
  });

  it('Transfer-Encoding "identity" and "chunked" as two header lines, then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /api/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400);
  });

  it('a request-target refused before routing (with a body), then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /api/%2e%2e/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab', 403);
  });

  it('a path with a letter that Java folds to ASCII, refused before routing (with a body), then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /Doc%C5%BF/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab', 403);
  });

  it('Content-Length with Transfer-Encoding, refused by the HTTP parser, then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400);
  });

  it('a firewall refusal of the head (SQL injection in the query, with a body), then a pipelined GET', async () => {
    await assertOnlyRefusal("POST /api/x?id=1'%20UNION%20SELECT%20password%20FROM%20users-- HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab", 403);
  });

  it('a client over its share of the upstream\'s connections (429, its streamed body unread), then a pipelined GET', async () => {
    const hold = await uploadHoldingTheShare();
    try {
      await assertOnlyRefusal('POST /share/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 2\r\n\r\nab', 429);
    } finally {
      hold.destroy();
    }
  });

  it('a body refused after inspection (read and answered asynchronously), then a pipelined GET', async () => {
    const body = "q=1' UNION SELECT password FROM users--";
    await assertOnlyRefusal(
      `POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      403,
    );
  });

  it('a declared body over maxBodyBytes (413), then a pipelined GET', async () => {
    await assertOnlyRefusal('POST /small/x HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n01234567890123456', 413);
  });

  it('a chunked body past maxBodyBytes while it is buffered (413), then a pipelined GET', async () => {
    const chunk = '0123456789abcdef0123';
    await assertOnlyRefusal(`POST /small/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n${chunk}\r\n0\r\n\r\n`, 413);
  });

  it('a chunked body cut at maxBodyBytes while it streams (413), then a pipelined GET', async () => {
    const chunk = '0123456789abcdef0123';
    await assertOnlyRefusal(`POST /streamed/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n${chunk}\r\n0\r\n\r\n`, 413);
  });

  it('a request that itself says Connection: close is answered, and the GET after it is not processed', async () => {
    upstream.seen.length = 0;
    const raw = await sendRaw(gw.url, `GET /api/first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n${PIPELINED_GET}`, 5000);
    assert.deepEqual(statuses(raw), ['200'], raw);
    assert.deepEqual(upstream.seen.map((req) => req.url), ['/api/first']);
  });

  it('pipelined requests without close are all answered, in order, each forwarded after the one before', async () => {
    upstream.seen.length = 0;
    const raw = await sendRaw(gw.url, `GET /api/one HTTP/1.1\r\nHost: x\r\n\r\nGET /api/two HTTP/1.1\r\nHost: x\r\n\r\nGET /api/three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 5000);
    assert.deepEqual(statuses(raw), ['200', '200', '200'], raw);
    assert.deepEqual(upstream.seen.map((req) => req.url), ['/api/one', '/api/two', '/api/three']);
  });
});

describe('pipelining is bounded', () => {
  it(`a connection with more than ${MAX_WAITING_REQUESTS} requests waiting behind the current one is cut, and the waiting ones are never forwarded`, async () => {
    upstream.seen.length = 0;
    const many = 'GET /api/flood HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(MAX_WAITING_REQUESTS + 2);
    const raw = await sendRaw(gw.url, many, 5000);
    assert.deepEqual(statuses(raw), []);
    assert.ok(upstream.seen.length <= 1, `the upstream saw ${upstream.seen.length} requests`);
  });
});
