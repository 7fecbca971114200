// Upstream 1xx answers before the final one: 103 Early Hints reach the client, an unsolicited
// 100 Continue is dropped, and neither breaks the answer or counts against passive health.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startGateway, startUpstream, type TestGateway, type TestUpstream } from './gateway-support/servers.js';

const LINK = '</style.css>; rel=preload; as=style';

interface Received {
  informational: number[];
  link: string | undefined;
  status: number;
  body: string;
}

function get(url: string): Promise<Received> {
  return new Promise((resolve, reject) => {
    const informational: number[] = [];
    let link: string | undefined;
    const req = httpRequest(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ informational, link, status: res.statusCode ?? 0, body }));
    });
    req.on('information', (info) => {
      informational.push(info.statusCode);
      link ??= info.headers.link as string | undefined;
    });
    req.on('error', reject);
    req.end();
  });
}

describe('interim (1xx) upstream answers', () => {
  const upstreams: TestUpstream[] = [];
  let gw: TestGateway;

  before(async () => {
    for (const name of ['a', 'b']) {
      upstreams.push(
        await startUpstream((req, res) => {
          if (req.url === '/hints') res.writeEarlyHints({ link: LINK });
          else if (req.url === '/continue') res.writeContinue();
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`final-${name}`);
        }, name),
      );
    }
    // One failure would send an upstream to cooldown, and the other would then take every request.
    gw = await startGateway({ routes: [{ prefix: '/', upstream: upstreams.map((u) => u.origin), passiveHealth: { maxFailures: 1, cooldownMs: 60_000 } }] });
  });
  after(async () => {
    await gw.close();
    for (const upstream of upstreams) await upstream.close();
  });

  it('forwards 103 Early Hints, then the final answer; the upstream stays in rotation', async () => {
    assert.deepEqual(await get(`${gw.url}/hints`), { informational: [103], link: LINK, status: 200, body: 'final-a' });
    assert.deepEqual(await get(`${gw.url}/plain`), { informational: [], link: undefined, status: 200, body: 'final-b' });
    assert.equal((await get(`${gw.url}/plain`)).body, 'final-a');
  });

  it('an unsolicited 100 Continue (undici drops the connection) is a 502 that does not count against passive health', async () => {
    const before = gw.logs.length;
    const answer = await get(`${gw.url}/continue`);
    assert.equal(answer.status, 502);
    assert.equal(gw.logs.slice(before).find((line) => line.event === 'upstream-failed')?.outcome, 'bad-response');
    // The upstream that slipped (b) is still picked in turn.
    assert.equal((await get(`${gw.url}/plain`)).body, 'final-a');
    assert.equal((await get(`${gw.url}/plain`)).body, 'final-b');
  });
});
