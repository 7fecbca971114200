// Compressed form and JSON bodies through the running gateway: refused with 415 (920423) by default,
// before anything is decompressed (upstreams parse the bytes as sent); on a route with
// waf.compressedBodies "inspect", inspected as sent and decompressed, gzip header text refused (400
// 920424), bombs refused (413 920422), clean bodies forwarded as sent (same bytes, same
// Content-Encoding); codings the firewall cannot decode are refused with 415 (920420) before the body
// is read, request charsets that are not ASCII-compatible with 403 (922100).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { send, type Answer } from './gateway-support/client.js';
import { startGateway, startRecordingUpstream, type ReceivedBody, type TestGateway } from './gateway-support/servers.js';


describe('compressed and encoded request bodies', () => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  /** Every request body the upstream received, in order. */
  let received: ReceivedBody[];
  let gw: TestGateway;

  before(async () => {
    upstream = await startRecordingUpstream();
    received = upstream.received;
    gw = await startGateway({
      routes: [
        { prefix: '/api/', upstream: [upstream.origin] },
        { prefix: '/inflating/', upstream: [upstream.origin], waf: { compressedBodies: 'inspect' } },
        { prefix: '/watch/', upstream: [upstream.origin], waf: { mode: 'detect' } },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  async function post(path: string, body: Buffer, headers: Record<string, string>): Promise<{ answer: Answer; refused: typeof gw.logs; detected: typeof gw.logs }> {
    const mark = gw.logs.length;
    const answer = await send(`${gw.url}${path}`, { method: 'POST', headers, body });
    const lines = gw.logs.slice(mark);
    return { answer, refused: lines.filter((line) => line.event === 'refused'), detected: lines.filter((line) => line.event === 'detected') };
  }

  /** A gzip member of `data` whose header carries `comment` (FLG.FCOMMENT), built by hand. */
  function gzipWithComment(data: string, comment: string): Buffer {
    const plain = gzipSync(Buffer.from(data));
    const header = Buffer.from(plain.subarray(0, 10));
    header[3] = 0x10;
    return Buffer.concat([header, Buffer.from(comment, 'latin1'), Buffer.from([0]), plain.subarray(10)]);
  }

  it('refuses a compressed form with the payload in its gzip comment: 415 920423 by default, 400 920424 with "inspect"', async () => {
    const count = received.length;
    const body = gzipWithComment('title=Morning+run', "&id=1' UNION SELECT password FROM users--&");
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' };
    const byDefault = await post('/api/', body, headers);
    assert.equal(byDefault.answer.status, 415);
    assert.equal(byDefault.answer.headers['content-type'], 'application/problem+json');
    assert.deepEqual(
      byDefault.refused.map((line) => [line.status, line.rule]),
      [[415, 920423]],
    );
    const inflating = await post('/inflating/', body, headers);
    assert.equal(inflating.answer.status, 400);
    assert.deepEqual(
      inflating.refused.map((line) => [line.status, line.rule]),
      [[400, 920424]],
    );
    assert.equal(received.length, count);
  });

  it('refuses a gzip bomb with 413 920422 at once', async () => {
    const count = received.length;
    const bomb = gzipSync(Buffer.alloc(20 << 20, 'a'));
    assert.ok(bomb.length < 40_000);
    const started = performance.now();
    const { answer, refused } = await post('/inflating/', bomb, { 'content-type': 'multipart/form-data; boundary=XyZ', 'content-encoding': 'gzip' });
    assert.ok(performance.now() - started < 1000);
    assert.equal(answer.status, 413);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[413, 920422]],
    );
    assert.equal(received.length, count);
  });

  it('refuses a gzip-compressed JSON attack with 403 942100 ("inspect"), before the upstream sees it', async () => {
    const count = received.length;
    const body = gzipSync(Buffer.from(`{"id": "1' OR '1'='1"}`));
    const { answer, refused } = await post('/inflating/', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(answer.status, 403);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[403, 942100]],
    );
    assert.equal(received.length, count);
  });

  it('forwards a clean compressed form byte for byte, with its Content-Encoding ("inspect")', async () => {
    const count = received.length;
    const body = gzipSync(Buffer.from('title=Morning+run&distance=10'));
    const { answer, refused, detected } = await post('/inflating/', body, { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' });
    assert.equal(answer.status, 200);
    assert.deepEqual([refused.length, detected.length], [0, 0]);
    assert.ok(received[count]?.body.equals(body));
    assert.equal(received[count]?.headers['content-encoding'], 'gzip');
  });

  it('forwards uninspected a gzip form that decompresses past the inspection limit (within 100:1), as an uncompressed one', async () => {
    const count = received.length;
    const body = gzipSync(Buffer.from(`notes=${randomBytes(40_000).toString('hex')}`));
    const { answer, refused, detected } = await post('/inflating/', body, { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' });
    assert.deepEqual([answer.status, refused.length, detected.length], [200, 0, 0]);
    assert.ok(received[count]?.body.equals(body));
  });

  it('refuses other codings with 415 920420; detect mode logs and forwards', async () => {
    const count = received.length;
    const body = Buffer.from('{"title": "x"}');
    const { answer, refused } = await post('/api/', body, { 'content-type': 'application/json', 'content-encoding': 'compress' });
    assert.equal(answer.status, 415);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[415, 920420]],
    );
    assert.equal(received.length, count);

    const watched = await post('/watch/', body, { 'content-type': 'application/json', 'content-encoding': 'compress' });
    assert.equal(watched.answer.status, 200);
    assert.deepEqual(
      watched.detected.map((line) => [line.status, line.rule]),
      [[415, 920420]],
    );
    assert.ok(received[count]?.body.equals(body));
  });

  it('refuses a form in a charset that is not ASCII-compatible with 403 922100', async () => {
    const count = received.length;
    const ebcdic = Buffer.from([0x89, 0x84, 0x7e, 0xf1, 0x7d, 0x40, 0xd6, 0xd9, 0x40, 0x7d, 0xf1, 0x7d, 0x7e, 0x7d, 0xf1]);
    const { answer, refused } = await post('/api/', ebcdic, { 'content-type': 'application/x-www-form-urlencoded; charset=ibm037' });
    assert.equal(answer.status, 403);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[403, 922100]],
    );
    assert.equal(received.length, count);
  });
});
