// The request's Content-Type, read as strictly as the body it announces: spellings that upstream
// parsers still take for a form, multipart or JSON body while a loose reading skipped the inspection
// (920470), and request charsets that make upstreams decode fields differently (922100).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFirewallConfig, inspectBody, inspectRequest, shouldInspectBody, type FirewallVerdict } from '../src/waf/firewall.js';
import type { RequestView } from '../src/waf/protocol-checks.js';

const block = compileFirewallConfig({ mode: 'block' });
const detect = compileFirewallConfig({ mode: 'detect' });
const off = compileFirewallConfig({ mode: 'off' });

/** Blocked as a plain form field (942100). */
const ATTACK = "1' OR '1'='1";

function summary(verdict: FirewallVerdict): string {
  return verdict.action === 'pass' ? `pass ${verdict.score}` : `${verdict.action} ${verdict.status} ${verdict.ruleId}`;
}

function post(contentType: string, hasBody = true): RequestView {
  return { method: 'POST', rawUrl: '/runs', headers: ['Host', 'api.example', 'Content-Type', contentType, 'Content-Length', '12'], hasBody, clientAddress: '10.1.2.3' };
}

const multipartBody = Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="id"\r\n\r\n${ATTACK}\r\n--XyZ--\r\n`);

describe('request Content-Type grammar (920470)', () => {
  it('refuses, before the body is read, spellings PHP cuts at "," or a space and parses anyway', () => {
    const refused = [
      'multipart/form-data, x; boundary=XyZ',
      'multipart/form-data boundary=XyZ',
      'application/x-www-form-urlencoded, text/plain',
      'application/json x',
      'application/json; charset=utf-8, text/html',
      'application/json;charset',
      'application/json; charset = utf-8',
      'multipart/form-data; boundary="XyZ',
      'multipart/form-data;; boundary=XyZ\u0000',
      'text/plain; x=multipart/form-data',
      'application/x-www-form-urlencoded/x',
    ];
    for (const type of refused) {
      assert.equal(summary(inspectRequest(post(type), block)), 'block 400 920470', type);
      assert.equal(summary(inspectBody(type, multipartBody, block)), 'block 400 920470', type);
      assert.equal(shouldInspectBody(type, 12, block), false, type);
    }
    assert.equal(summary(inspectRequest(post('multipart/form-data, x; boundary=XyZ'), detect)), 'detect 400 920470');
    assert.equal(summary(inspectRequest(post('multipart/form-data, x; boundary=XyZ'), off)), 'pass 0');
    // Without a body there is nothing to misread.
    assert.equal(summary(inspectRequest(post('multipart/form-data, x; boundary=XyZ', false), block)), 'pass 0');
  });

  it('accepts type/subtype and parameters as RFC 9110 writes them, and types that announce nothing inspectable', () => {
    const accepted = [
      'application/json',
      'Application/JSON; Charset="UTF-8"',
      'application/x-www-form-urlencoded;charset=UTF-8',
      'application/json ;  ; charset=utf-8',
      'multipart/form-data; boundary=XyZ',
      'application/vnd.api+json',
      'text/plain, anything at all',
      'image/png',
    ];
    for (const type of accepted) assert.equal(summary(inspectRequest(post(type), block)), 'pass 0', type);
  });

  it('inspects JSON under any type (text/json, as ASP.NET reads it) and forms under any type', () => {
    assert.equal(summary(inspectBody('text/json', Buffer.from(`{"id": "${ATTACK}"}`), block)), 'block 403 942100');
    assert.equal(summary(inspectBody('text/x-www-form-urlencoded', Buffer.from(`id=${encodeURIComponent(ATTACK)}`), block)), 'block 403 942100');
  });
});

describe('request charset (922100)', () => {
  // "id=1' OR '1'='1" in EBCDIC (IBM037), which Tomcat decodes with the request's charset.
  const ebcdic = Buffer.from([0x89, 0x84, 0x7e, 0xf1, 0x7d, 0x40, 0xd6, 0xd9, 0x40, 0x7d, 0xf1, 0x7d, 0x7e, 0x7d, 0xf1]);

  it('refuses a form or JSON body in a charset that does not read ASCII as ASCII', () => {
    const form = 'application/x-www-form-urlencoded; charset=ibm037';
    assert.equal(summary(inspectBody(form, ebcdic, block)), 'block 403 922100');
    assert.equal(summary(inspectRequest(post(form), block)), 'block 403 922100');
    assert.equal(summary(inspectRequest(post(form), detect)), 'detect 403 922100');
    assert.equal(shouldInspectBody(form, ebcdic.length, block), false);
    assert.equal(summary(inspectRequest(post('multipart/form-data; boundary=XyZ; charset=ibm037'), block)), 'block 403 922100');
    const utf16 = Buffer.from(`{"id": "${ATTACK}"}`, 'utf16le');
    assert.equal(summary(inspectBody('application/json; charset=utf-16le', utf16, block)), 'block 403 922100');
    // Given twice, parsers pick either one.
    assert.equal(summary(inspectRequest(post('application/x-www-form-urlencoded; charset=utf-8; charset=ibm037'), block)), 'block 403 922100');
  });

  it('accepts UTF-8, ASCII and Latin-1 charsets, in any case and quoted', () => {
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'us-ascii', 'ISO-8859-1', 'windows-1252']) {
      const type = `application/x-www-form-urlencoded; charset=${charset}`;
      assert.equal(summary(inspectRequest(post(type), block)), 'pass 0', charset);
      assert.equal(summary(inspectBody(type, Buffer.from(`id=${encodeURIComponent(ATTACK)}`), block)), 'block 403 942100', charset);
    }
  });
});
