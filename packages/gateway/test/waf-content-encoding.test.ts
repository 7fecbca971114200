// Compressed request bodies: Express's body-parser inflates gzip and deflate (and br, in its
// version 2) before parsing, so the firewall inspects the decompressed text (the upstream still gets
// the bytes as sent). Codings it cannot decode are refused (920420, 415), as are bodies that do not
// decompress (920421, 400) or decompress past the inspection limit (920422, 413).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { compileFirewallConfig, inspectBody, inspectRequest, shouldInspectBody, type FirewallVerdict } from '../src/waf/firewall.js';
import type { RequestView } from '../src/waf/protocol-checks.js';

const block = compileFirewallConfig({ mode: 'block' });
const detect = compileFirewallConfig({ mode: 'detect' });

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

describe('compressed request bodies', () => {
  it('inspects gzip, x-gzip, deflate and br bodies decompressed', () => {
    for (const [coding, compress] of CODECS) {
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

  it('refuses bodies that do not decompress (920421) or decompress past the inspection limit (920422)', () => {
    const json = gzipSync(Buffer.from(`{"id": "${ATTACK}"}`));
    assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from('not gzip at all'), block, undefined, 'gzip')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, json.subarray(0, json.length - 6), block, undefined, 'gzip')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, json, block, undefined, 'br')), 'block 400 920421');
    assert.equal(summary(inspectBody(JSON_TYPE, Buffer.from('not gzip at all'), detect, undefined, 'gzip')), 'detect 400 920421');
    // 1 MiB of padding in about 1 KiB.
    const bomb = gzipSync(Buffer.from(`id=${'a'.repeat(1 << 20)}`));
    assert.ok(bomb.length < 2048);
    assert.equal(summary(inspectBody(FORM, bomb, block, undefined, 'gzip')), 'block 413 920422');
    assert.equal(summary(inspectBody(FORM, bomb, detect, undefined, 'gzip')), 'detect 413 920422');
    // A multipart body decompresses up to maxBodyBytes: files do not count against the inspection limit.
    const upload = gzipSync(multipart(ATTACK, 'p'.repeat(200_000)));
    assert.equal(summary(inspectBody(MULTIPART, upload, block, undefined, 'gzip')), 'block 403 942100');
    const huge = gzipSync(multipart('x', 'p'.repeat(2 << 20)));
    assert.equal(summary(inspectBody(MULTIPART, huge, block, undefined, 'gzip')), 'block 413 920422');
  });
});
