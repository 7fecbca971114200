// Compressed request bodies: most upstreams parse the bytes as sent, so compressed form, JSON and
// multipart bodies are refused by default (920423, 415) before anything is decompressed. With
// compressedBodies "inspect" (upstreams such as Express's body-parser inflate them first) the firewall
// inspects both the bytes as sent and the decompressed text, refuses gzip headers carrying text
// (920424, 400), bodies that do not decompress (920421, 400) or decompress past 100:1 (920422, 413).
// Codings it cannot decode are refused (920420, 415).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { compileFirewallConfig, inspectBody, inspectRequest, shouldInspectBody, type FirewallVerdict } from '../src/waf/firewall.js';
import type { RequestView } from '../src/waf/protocol-checks.js';

const refuse = compileFirewallConfig({ mode: 'block' });
const block = compileFirewallConfig({ mode: 'block', compressedBodies: 'inspect' });
const detect = compileFirewallConfig({ mode: 'detect', compressedBodies: 'inspect' });

/** Blocked as a plain form field (942100). */
const ATTACK = "1' OR '1'='1";
const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data; boundary=XyZ';

function summary(verdict: FirewallVerdict): string {
  return verdict.action === 'pass' ? `pass ${verdict.score}` : `${verdict.action} ${verdict.status} ${verdict.ruleId}`;
}

function post(contentType: string, encodings: string[]): RequestView {
  const headers = ['Host', 'api.example', 'Content-Type', contentType, 'Content-Length', '12'];
  for (const encoding of encodings) headers.push('Content-Encoding', encoding);
  return { method: 'POST', rawUrl: '/runs', headers, hasBody: true, clientAddress: '10.1.2.3' };
}

const multipart = (value: string, file = '') =>
  Buffer.from(
    `--XyZ\r\nContent-Disposition: form-data; name="id"\r\n\r\n${value}\r\n` +
      `--XyZ\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n${file}\r\n--XyZ--\r\n`,
  );

const CODECS: [string, (input: Buffer) => Buffer][] = [
  ['gzip', gzipSync],
  ['x-gzip', gzipSync],
  ['deflate', deflateSync],
  ['br', brotliCompressSync],
  ['GZIP', gzipSync],
];

/** A gzip member of `data` whose header carries `comment` (FCOMMENT), built by hand. */
function gzipWithComment(data: string, comment: string): Buffer {
  const plain = gzipSync(Buffer.from(data));
  const header = Buffer.from(plain.subarray(0, 10));
  header[3] = 0x10; // FLG.FCOMMENT
  return Buffer.concat([header, Buffer.from(comment, 'latin1'), Buffer.from([0]), plain.subarray(10)]);
}

describe('compressed request bodies', () => {
  it('refuses compressed form, JSON and multipart bodies by default (415 920423), before the body is read', () => {
    assert.equal(refuse.compressedBodies, 'refuse');
    for (const [coding] of CODECS) {
      for (const type of [JSON_TYPE, FORM, MULTIPART]) {
        assert.equal(summary(inspectRequest(post(type, [coding]), refuse)), 'block 415 920423', `${type} ${coding}`);
        assert.equal(summary(inspectBody(type, Buffer.from('not even compressed'), refuse, undefined, coding)), 'block 415 920423', `${type} ${coding}`);
      }
    }
    assert.equal(summary(inspectRequest(post(JSON_TYPE, ['gzip']), compileFirewallConfig({ mode: 'detect' }))), 'detect 415 920423');
    // Identity and bodies that are not inspected pass.
    assert.equal(summary(inspectRequest(post(JSON_TYPE, ['identity']), refuse)), 'pass 0');
    assert.equal(summary(inspectRequest(post('image/png', ['gzip']), refuse)), 'pass 0');
  });

  it('with "inspect", refuses bodies with bytes that decoding skips (400 920424): gzip header text, a second member, trailing bytes, brotli', () => {
    const hidden = gzipWithComment('title=Morning+run', "&id=1' UNION SELECT password FROM users--&");
    assert.equal(summary(inspectBody(FORM, hidden, block, undefined, 'gzip')), 'block 400 920424');
    assert.equal(summary(inspectBody(FORM, hidden, detect, undefined, 'gzip')), 'detect 400 920424');
    const named = Buffer.from(gzipSync(Buffer.from('a=b')));
    named[3] = 0x08;
    assert.equal(summary(inspectBody(FORM, named, block, undefined, 'gzip')), 'block 400 920424');
    const checked = Buffer.from(gzipSync(Buffer.from('a=b')));
    checked[3] = 0x02; // FHCRC
    assert.equal(summary(inspectBody(FORM, checked, block, undefined, 'gzip')), 'block 400 920424');
    // Bytes after the stream, or a second member, are read by a raw parser and skipped by decoding.
    const trailing = `&id=${encodeURIComponent(ATTACK)}`;
    assert.equal(summary(inspectBody(FORM, Buffer.concat([gzipSync(Buffer.from('a=b')), Buffer.from(trailing)]), block, undefined, 'gzip')), 'block 400 920424');
    assert.equal(summary(inspectBody(FORM, Buffer.concat([gzipSync(Buffer.from('a=b')), gzipSync(Buffer.from('c=d'))]), block, undefined, 'gzip')), 'block 400 920424');
    assert.equal(summary(inspectBody(FORM, Buffer.concat([deflateSync(Buffer.from('a=b')), Buffer.from(trailing)]), block, undefined, 'deflate')), 'block 400 920424');
    assert.equal(summary(inspectBody(FORM, brotliCompressSync(Buffer.from('a=b')), block, undefined, 'br')), 'block 400 920424');
    // Bytes before the stream: it does not decode at all.
    const prefixed = Buffer.concat([Buffer.from(`id=${encodeURIComponent(ATTACK)}&`), deflateSync(Buffer.from('a=b'))]);
    assert.equal(summary(inspectBody(FORM, prefixed, block, undefined, 'deflate')), 'block 400 920421');
    // Compressed binary is never read as form fields: a long random body passes (no false positives).
    for (let round = 0; round < 20; round++) {
      const random = gzipSync(Buffer.from(`notes=${randomBytes(2_000).toString('hex')}`));
      assert.equal(summary(inspectBody(FORM, random, block, undefined, 'gzip')), 'pass 0');
    }
  });
  it('inspects gzip, x-gzip and deflate bodies decompressed', () => {
    for (const [coding, compress] of CODECS.filter(([name]) => name !== 'br')) {
      assert.equal(summary(inspectBody(JSON_TYPE, compress(Buffer.from(`{"id": "${ATTACK}"}`)), block, undefined, coding)), 'block 403 942100', coding);
      assert.equal(summary(inspectBody(FORM, compress(Buffer.from(`id=${encodeURIComponent(ATTACK)}`)), block, undefined, coding)), 'block 403 942100', coding);
      assert.equal(summary(inspectBody(MULTIPART, compress(multipart(ATTACK)), block, undefined, coding)), 'block 403 942100', coding);
      assert.equal(summary(inspectBody(JSON_TYPE, compress(Buffer.from('{"title": "Morning run"}')), block, undefined, coding)), 'pass 0', coding);
      assert.equal(summary(inspectRequest(post(JSON_TYPE, [coding]), block)), 'pass 0', coding);
      assert.equal(shouldInspectBody(JSON_TYPE, 100, block, coding), true, coding);
    }
    assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from(`{"id": "${ATTACK}"}`), block, undefined, 'identity')), 'block 403 942100');
    assert.equal(summary(inspectBody(JSON_TYPE, gzipSync(Buffer.from(`{"id": "${ATTACK}"}`)), detect, undefined, 'gzip')), 'detect 403 942100');
  });

  it('refuses other codings on inspectable bodies with 415 (920420), before the body is read', () => {
    for (const coding of ['compress', 'zstd', 'x-compress', 'gzip, gzip', 'gzip, br', 'gzip;q=1']) {
      assert.equal(summary(inspectRequest(post(JSON_TYPE, [coding]), block)), 'block 415 920420', coding);
      assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from('{}'), block, undefined, coding)), 'block 415 920420', coding);
      assert.equal(shouldInspectBody(JSON_TYPE, 100, block, coding), false, coding);
    }
    // Two header lines are a list too.
    assert.equal(summary(inspectRequest(post(FORM, ['gzip', 'gzip']), block)), 'block 415 920420');
    assert.equal(summary(inspectRequest(post(MULTIPART, ['zstd']), detect)), 'detect 415 920420');
    // Bodies that are not inspected keep any coding.
    assert.equal(summary(inspectRequest(post('image/png', ['zstd']), block)), 'pass 0');
  });

  it('refuses bodies that do not decompress (920421) or decompress past 100:1 (920422)', () => {
    const json = gzipSync(Buffer.from(`{"id": "${ATTACK}"}`));
    assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from('not gzip at all'), block, undefined, 'gzip')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, json.subarray(0, json.length - 6), block, undefined, 'gzip')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, json, block, undefined, 'deflate')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from('not gzip at all'), detect, undefined, 'gzip')), 'detect 400 920421');
    // More than 100:1 within the inspection limit: a decompression bomb.
    const bomb = gzipSync(Buffer.from(`id=${'a'.repeat(60_000)}`));
    assert.ok(bomb.length * 100 < 60_000);
    assert.equal(summary(inspectBody(FORM, bomb, block, undefined, 'gzip')), 'block 413 920422');
    assert.equal(summary(inspectBody(FORM, bomb, detect, undefined, 'gzip')), 'detect 413 920422');
    // A multipart body decompresses up to the multipart buffer: files do not count against the inspection limit.
    const upload = gzipSync(multipart(ATTACK, randomBytes(100_000).toString('hex')));
    assert.equal(summary(inspectBody(MULTIPART, upload, block, undefined, 'gzip')), 'block 403 942100');
    const huge = gzipSync(multipart('x', 'p'.repeat(2 << 20)));
    assert.equal(summary(inspectBody(MULTIPART, huge, block, undefined, 'gzip')), 'block 413 920422');
    // A gzip bomb in a multipart body: about 20 KB that would expand to 20 MiB, refused after decoding at most 100:1.
    const gzipBomb = gzipSync(Buffer.alloc(20 << 20, 'a'));
    assert.ok(gzipBomb.length < 40_000);
    const started = performance.now();
    assert.equal(summary(inspectBody(MULTIPART, gzipBomb, block, undefined, 'gzip')), 'block 413 920422');
    assert.ok(performance.now() - started < 1000);
  });

  it('forwards uninspected a form or JSON body that decompresses past the inspection limit (within 100:1), as an uncompressed one', () => {
    const long = gzipSync(Buffer.from(`notes=${randomBytes(40_000).toString('hex')}`));
    assert.ok(long.length < block.bodyInspectionLimitBytes);
    const verdict = inspectBody(FORM, long, block, undefined, 'gzip');
    assert.deepEqual([summary(verdict), verdict.action === 'pass' ? verdict.bodySkipped : ''], ['pass 0', 'too-large']);
    // The same text uncompressed is past the limit: skipped too.
    const plain = inspectBody(FORM, Buffer.from(`notes=${randomBytes(40_000).toString('hex')}`), block);
    assert.deepEqual([summary(plain), plain.action === 'pass' ? plain.bodySkipped : ''], ['pass 0', 'too-large']);
  });
});
