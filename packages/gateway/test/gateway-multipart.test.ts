// multipart/form-data bodies through the running gateway: field values and file names are
// inspected like form fields, file contents are not, malformed bodies are refused (400 920140) in
// block mode, detect mode logs and forwards, and whatever is forwarded reaches the upstream byte for byte.
// Bodies are buffered up to maxBodyBytes: only their fields count against the inspection limit.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { send, sendRaw, type Answer } from './gateway-support/client.js';
import { startGateway, startRecordingUpstream, type ReceivedBody, type TestGateway } from './gateway-support/servers.js';

const BOUNDARY = '----runnerly-test-2mK9qv3Xh7';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

/** A multipart body as browsers send it. */
function multipart(parts: readonly Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type === undefined ? '' : `\r\nContent-Type: ${part.type}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`, 'utf8'));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value, 'utf8') : part.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}


describe('multipart bodies', () => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  /** Every request body the upstream received, in order. */
  let received: ReceivedBody[];
  let gw: TestGateway;

  before(async () => {
    upstream = await startRecordingUpstream();
    received = upstream.received;
    gw = await startGateway({
      firewall: { maxMultipartParts: 50, multipartBufferBytes: 400_000 },
      routes: [
        { prefix: '/upload/', upstream: [upstream.origin] },
        { prefix: '/watch/', upstream: [upstream.origin], waf: { mode: 'detect' } },
        { prefix: '/small/', upstream: [upstream.origin], maxBodyBytes: 100_000 },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  /** Posts `body`; returns the answer and the refused/detected lines it caused. */
  async function post(path: string, body: Buffer, contentType = MULTIPART): Promise<{ answer: Answer; refused: typeof gw.logs; detected: typeof gw.logs }> {
    const mark = gw.logs.length;
    const answer = await send(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const lines = gw.logs.slice(mark);
    return { answer, refused: lines.filter((line) => line.event === 'refused'), detected: lines.filter((line) => line.event === 'detected') };
  }

  it('refuses SQL injection in a field value with 403 942120, before the upstream sees it', async () => {
    const count = received.length;
    const body = multipart([
      { name: 'title', value: 'Morning run' },
      { name: 'q', value: "1' UNION SELECT password FROM users--" },
    ]);
    const { answer, refused } = await post('/upload/', body);
    assert.equal(answer.status, 403);
    assert.equal(answer.headers['content-type'], 'application/problem+json');
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule, line.route]),
      [[403, 942120, '/upload/']],
    );
    assert.equal((refused[0]?.waf as { rules: { target: string }[] }).rules[0]?.target, 'multipart:q');
    assert.equal(received.length, count);
  });

  it('refuses SQL injection in a file name with 403 942100', async () => {
    const count = received.length;
    const body = multipart([{ name: 'track', filename: "run' or '1'='1.gpx", type: 'application/gpx+xml', value: '<gpx/>' }]);
    const { answer, refused } = await post('/upload/', body);
    assert.equal(answer.status, 403);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[403, 942100]],
    );
    assert.equal((refused[0]?.waf as { rules: { target: string }[] }).rules[0]?.target, 'multipart-filename:track');
    assert.equal(received.length, count);
  });

  it('inspects a chunked multipart body within the limit too', async () => {
    const count = received.length;
    const body = multipart([{ name: 'comment', value: '<script>alert(1)</script>' }]);
    const mark = gw.logs.length;
    const half = Math.floor(body.length / 2);
    const chunk = (part: Buffer) => `${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`;
    const raw = await sendRaw(
      gw.url,
      `POST /upload/ HTTP/1.1\r\nHost: gw.example\r\nContent-Type: ${MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${chunk(body.subarray(0, half))}${chunk(body.subarray(half))}0\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 403 /);
    assert.deepEqual(
      gw.logs.slice(mark).filter((line) => line.event === 'refused').map((line) => line.rule),
      [941100],
    );
    assert.equal(received.length, count);
  });

  it('forwards a clean upload byte for byte; file contents are not inspected', async () => {
    // Binary content, and text that would match signatures if it were a field: neither is inspected.
    const file = Buffer.concat([randomBytes(40_000), Buffer.from("\r\n' OR 1=1 -- <script>alert(1)</script>\r\n"), randomBytes(1000)]);
    const body = multipart([
      { name: 'title', value: 'Morning run – 10 km' },
      { name: 'notes', value: "I love <3 running; the 'fast' and 'slow' groups" },
      { name: 'track', filename: 'morning run.fit', type: 'application/octet-stream', value: file },
    ]);
    assert.ok(body.length < 65_536, 'within the default inspection limit');
    const count = received.length;
    const { answer, refused, detected } = await post('/upload/', body);
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'stored');
    assert.deepEqual([refused.length, detected.length], [0, 0]);
    assert.equal(received.length, count + 1);
    const forwarded = received[count]!;
    assert.ok(forwarded.body.equals(body), 'the upstream received exactly the bytes sent');
    assert.equal(forwarded.headers['content-type'], MULTIPART);
    assert.equal(forwarded.headers['content-length'], String(body.length));
  });

  it('refuses malformed bodies with 400 920140: unterminated, boundary not the one declared, none declared', async () => {
    const complete = multipart([{ name: 'title', value: 'Morning run' }]);
    const unterminated = complete.subarray(0, complete.length - `--${BOUNDARY}--\r\n`.length - 2);
    const cases: [string, Buffer, string][] = [
      ['unterminated', unterminated, MULTIPART],
      ['other boundary', complete, 'multipart/form-data; boundary=somethingElse'],
      ['no boundary', complete, 'multipart/form-data'],
    ];
    const count = received.length;
    for (const [label, body, contentType] of cases) {
      const { answer, refused } = await post('/upload/', body, contentType);
      assert.equal(answer.status, 400, label);
      assert.deepEqual(
        refused.map((line) => [line.status, line.rule]),
        [[400, 920140]],
        label,
      );
      assert.match(String(answer.json().detail), /^Multipart body that does not parse strictly: /, label);
    }
    assert.equal(received.length, count);
  });

  it('detect mode logs the finding and forwards the body unchanged', async () => {
    const body = multipart([{ name: 'q', value: "1' UNION SELECT password FROM users--" }]);
    const count = received.length;
    const { answer, refused, detected } = await post('/watch/', body);
    assert.equal(answer.status, 200);
    assert.equal(refused.length, 0);
    assert.deepEqual(
      detected.map((line) => [line.status, line.rule, line.route]),
      [[403, 942120, '/watch/']],
    );
    assert.ok(received[count]?.body.equals(body));

    const unterminated = body.subarray(0, body.length - 4);
    const malformed = await post('/watch/', unterminated);
    assert.equal(malformed.answer.status, 200);
    assert.deepEqual(
      malformed.detected.map((line) => [line.status, line.rule]),
      [[400, 920140]],
    );
    assert.ok(received[count + 1]?.body.equals(unterminated));
  });

  it('inspects a body past the inspection limit up to maxBodyBytes: a padding file no longer hides a field', async () => {
    const attack = multipart([
      { name: 'track', filename: 'long.fit', value: randomBytes(70_000) },
      { name: 'q', value: "1' UNION SELECT password FROM users--" },
    ]);
    const count = received.length;
    const refusal = await post('/upload/', attack);
    assert.equal(refusal.answer.status, 403);
    assert.deepEqual(
      refusal.refused.map((line) => [line.status, line.rule]),
      [[403, 942120]],
    );
    assert.equal(received.length, count);

    const clean = multipart([
      { name: 'title', value: 'Long run' },
      { name: 'track', filename: 'long.fit', type: 'application/octet-stream', value: randomBytes(300_000) },
    ]);
    const { answer, refused, detected } = await post('/upload/', clean);
    assert.equal(answer.status, 200);
    assert.deepEqual([refused.length, detected.length], [0, 0]);
    assert.ok(received[count]?.body.equals(clean), 'the upstream received exactly the bytes sent');
  });

  it('refuses with 413 920401 a body whose fields (not files) pass multipartNonFileLimitBytes (128 KiB), not the inspection limit', async () => {
    // 70 KB of fields: past bodyInspectionLimitBytes (64 KiB), within multipartNonFileLimitBytes.
    const within = multipart(Array.from({ length: 10 }, (_, i) => ({ name: `note${i}`, value: 'n'.repeat(7000) })));
    const accepted = await post('/upload/', within);
    assert.deepEqual([accepted.answer.status, accepted.refused.length], [200, 0]);
    const body = multipart(Array.from({ length: 20 }, (_, i) => ({ name: `note${i}`, value: 'n'.repeat(7000) })));
    const count = received.length;
    const { answer, refused } = await post('/upload/', body);
    assert.equal(answer.status, 413);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[413, 920401]],
    );
    assert.equal(received.length, count);
  });

  it('refuses with 413 920400 a chunked body that passes maxBodyBytes while it is buffered', async () => {
    // ASCII content: the raw request is written as a string.
    const body = multipart([{ name: 'track', filename: 'long.fit', value: Buffer.alloc(150_000, 'p') }]);
    const mark = gw.logs.length;
    const count = received.length;
    const chunk = (part: Buffer) => `${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`;
    const raw = await sendRaw(
      gw.url,
      `POST /small/ HTTP/1.1\r\nHost: gw.example\r\nContent-Type: ${MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${chunk(body.subarray(0, 60_000))}${chunk(body.subarray(60_000))}0\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 413 /);
    assert.deepEqual(
      gw.logs.slice(mark).filter((line) => line.event === 'refused').map((line) => [line.status, line.rule]),
      [[413, 920400]],
    );
    assert.equal(received.length, count);
  });

  it('refuses with 413 920402 a body longer than firewall.multipartBufferBytes (declared or chunked); detect mode streams it on uninspected', async () => {
    const body = multipart([
      { name: 'track', filename: 'long.fit', value: Buffer.alloc(500_000, 'p') },
      { name: 'id', value: "1' UNION SELECT password FROM users--" },
    ]);
    const count = received.length;
    const declared = await post('/upload/', body);
    assert.equal(declared.answer.status, 413);
    assert.deepEqual(
      declared.refused.map((line) => [line.status, line.rule]),
      [[413, 920402]],
    );
    const mark = gw.logs.length;
    const chunk = (part: Buffer) => `${part.length.toString(16)}\r\n${part.toString('latin1')}\r\n`;
    const raw = await sendRaw(
      gw.url,
      `POST /upload/ HTTP/1.1\r\nHost: gw.example\r\nContent-Type: ${MULTIPART}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${chunk(body.subarray(0, 250_000))}${chunk(body.subarray(250_000))}0\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 413 /);
    assert.deepEqual(
      gw.logs.slice(mark).filter((line) => line.event === 'refused').map((line) => [line.status, line.rule]),
      [[413, 920402]],
    );
    assert.equal(received.length, count);

    const watched = await post('/watch/', body);
    assert.equal(watched.answer.status, 200);
    assert.deepEqual(
      watched.detected.map((line) => [line.status, line.rule]),
      [[413, 920402]],
    );
    assert.ok(received[count]?.body.equals(body));
  });

  it('refuses more than firewall.maxMultipartParts parts with 403 920600', async () => {
    const parts = (count: number) => multipart(Array.from({ length: count }, (_, i) => ({ name: `f${i}`, value: 'v' })));
    const count = received.length;
    assert.equal((await post('/upload/', parts(50))).answer.status, 200);
    const { answer, refused } = await post('/upload/', parts(51));
    assert.equal(answer.status, 403);
    assert.deepEqual(
      refused.map((line) => [line.status, line.rule]),
      [[403, 920600]],
    );
    assert.equal(received.length, count + 1);
  });

  it('refuses Content-Type spellings that PHP still parses, before reading the body (400 920470)', async () => {
    const body = multipart([{ name: 'id', value: "1' OR '1'='1" }]);
    const count = received.length;
    for (const type of [`multipart/form-data, x; boundary=${BOUNDARY}`, `multipart/form-data boundary=${BOUNDARY}`]) {
      const { answer, refused } = await post('/upload/', body, type);
      assert.equal(answer.status, 400, type);
      assert.deepEqual(
        refused.map((line) => [line.status, line.rule]),
        [[400, 920470]],
        type,
      );
    }
    // Any multipart/* type is inspected, as Commons FileUpload reads them all.
    const mixed = await post('/upload/', body, `multipart/mixed; boundary=${BOUNDARY}`);
    assert.deepEqual([mixed.answer.status, mixed.refused.map((line) => line.rule)], [403, [942100]]);
    assert.equal(received.length, count);
  });
});
