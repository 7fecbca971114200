// Hostile and random inputs: the firewall's parsers never throw (except the documented
// configuration errors) and stay fast. A seeded generator keeps failures reproducible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFirewallConfig, inspectBody, inspectRequest } from '../src/waf/firewall.js';
import { parseIpAddress } from '../src/waf/ip-address.js';
import { CidrMatcher, clientAddress, clientKeyForAddress, InvalidCidrError } from '../src/waf/ip-rules.js';
import { normalizeForSignatures } from '../src/waf/normalize.js';
import { decodingStages } from '../src/waf/percent-decoding.js';
import { parseRequestTarget } from '../src/waf/request-target.js';

/** mulberry32: a tiny seeded PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '%', '%2', '%25', '%2e', '%c0', '%af', '%u', '%u002e', '%00', '+', '/', '\\', '.', '..', ':', '::', '[', ']', ',',
  '?', '&', '=', '#', ';', "'", '"', '`', '<', '>', '(', ')', '/*', '*/', '--', ' ', '\t', '\u0000', '\u007f',
  'ffff', '1', '255', '10', 'a', 'on', 'or', 'union', 'select', 'script', 'javascript', '&#', '&lt;', '\ufffd', '\ud800', 'é',
];

function hostileString(next: () => number, maxPieces: number): string {
  const pieces = Math.floor(next() * maxPieces);
  let out = '';
  for (let i = 0; i < pieces; i++) out += HOSTILE[Math.floor(next() * HOSTILE.length)];
  return out;
}

function timed(label: string, budgetMs: number, body: () => void): void {
  const started = process.hrtime.bigint();
  body();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(elapsedMs < budgetMs, `${label}: ${elapsedMs.toFixed(0)} ms`);
}

describe('fuzzing', () => {
  const config = compileFirewallConfig({ ipRules: { deny: ['192.0.2.0/24'] } });
  const trusted = CidrMatcher.compile(['10.0.0.0/8', '::1']);

  it('IP parsing, CIDR compilation and client address resolution never throw unexpectedly', () => {
    const next = random(1);
    timed('ip', 3000, () => {
      for (let i = 0; i < 5000; i++) {
        const text = hostileString(next, 12);
        parseIpAddress(text);
        clientKeyForAddress(text);
        clientAddress('10.0.0.1', text, trusted);
        clientAddress(text, text, trusted);
        try {
          CidrMatcher.compile([text]).matches(text);
        } catch (error) {
          assert.ok(error instanceof InvalidCidrError, String(error));
        }
      }
    });
  });

  it('request-target parsing, decoding and normalization never throw', () => {
    const next = random(2);
    timed('decode', 3000, () => {
      for (let i = 0; i < 5000; i++) {
        const text = hostileString(next, 40);
        parseRequestTarget(text);
        parseRequestTarget(`/${text}`);
        decodingStages(text);
        const normalized = normalizeForSignatures(text, next() < 0.5);
        assert.equal(typeof normalized, 'string');
      }
    });
  });

  it('inspectRequest answers every hostile request with a verdict', () => {
    const next = random(3);
    const methods = ['GET', 'POST', 'HEAD', 'TRACE', '', 'G E T', 'OPTIONS'];
    const names = ['Host', 'Content-Length', 'Transfer-Encoding', 'host', 'X'];
    timed('inspectRequest', 4000, () => {
      for (let i = 0; i < 5000; i++) {
        const headers: string[] = next() < 0.5 ? ['Host', 'api.example'] : [];
        const count = Math.floor(next() * 6);
        for (let h = 0; h < count; h++) headers.push(names[Math.floor(next() * names.length)] as string, hostileString(next, 4));
        const verdict = inspectRequest({
          method: methods[Math.floor(next() * methods.length)] as string,
          rawUrl: (next() < 0.8 ? '/' : '') + hostileString(next, 40),
          headers,
          hasBody: next() < 0.3,
          clientAddress: next() < 0.5 ? hostileString(next, 6) : '127.0.0.1',
        }, config);
        assert.ok(['pass', 'block', 'detect'].includes(verdict.action));
        if (verdict.action !== 'pass') assert.ok(Number.isInteger(verdict.ruleId) && verdict.ruleId > 900000);
      }
    });
  });

  it('inspectBody answers random bytes, hostile forms and hostile JSON', () => {
    const next = random(4);
    timed('inspectBody', 4000, () => {
      for (let i = 0; i < 1500; i++) {
        const bytes = Buffer.alloc(Math.floor(next() * 512));
        for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(next() * 256);
        inspectBody('application/json', bytes, config);
        inspectBody('application/x-www-form-urlencoded', bytes, config);
        inspectBody('application/x-www-form-urlencoded', Buffer.from(hostileString(next, 60)), config);
        const json = JSON.stringify({ [hostileString(next, 5)]: [hostileString(next, 20), { k: hostileString(next, 20) }] });
        const verdict = inspectBody('application/json', Buffer.from(json), config);
        assert.ok(['pass', 'block', 'detect'].includes(verdict.action));
      }
    });
  });

  it('hostile Content-Types, Content-Encodings and multipart bodies get a verdict, never an exception', () => {
    const next = random(5);
    const types = ['multipart/form-data; boundary=', 'multipart/mixed;boundary="', 'application/json;', 'application/x-www-form-urlencoded; charset=', 'text/json ', ''];
    const codings = ['gzip', 'x-gzip', 'deflate', 'br', 'identity', '', 'gzip, br', 'compress'];
    const pieces = ['--XyZ', '\r\n', '\n', '\r', 'Content-Disposition: form-data; name=', 'filename=', '"', "'", ';', 'a', '\x1f\x8b'];
    timed('body headers', 4000, () => {
      for (let i = 0; i < 2000; i++) {
        const type = `${types[Math.floor(next() * types.length)]}${hostileString(next, 6)}`;
        const coding = codings[Math.floor(next() * codings.length)];
        let text = '';
        for (let p = Math.floor(next() * 30); p > 0; p--) text += pieces[Math.floor(next() * pieces.length)];
        const body = Buffer.from(text + hostileString(next, 10), 'latin1');
        const verdict = inspectBody(type, body, config, undefined, coding);
        assert.ok(['pass', 'block', 'detect'].includes(verdict.action));
        const head = inspectRequest({ method: 'POST', rawUrl: '/', headers: ['Host', 'h', 'Content-Type', type, 'Content-Encoding', coding ?? ''], hasBody: true }, config);
        assert.ok(['pass', 'block', 'detect'].includes(head.action));
      }
    });
  });

  it('large hostile bodies at the inspection limit stay fast', () => {
    const limit = config.bodyInspectionLimitBytes;
    const bodies = [
      Buffer.from(`{"a":"${'<a '.repeat(limit / 3 - 4)}"}`),
      Buffer.from(`[${'"x",'.repeat(limit / 4 - 2)}"y"]`),
      Buffer.from('['.repeat(limit)),
      Buffer.from(`${'a=%25&'.repeat(limit / 6)}`),
      Buffer.from(`{"q":"${"' or ".repeat(limit / 5 - 4)}"}`),
    ];
    for (const body of bodies) {
      assert.ok(body.length <= limit);
      for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
        timed(`${type} ${body.subarray(0, 10).toString()}`, 250, () => {
          inspectBody(type, body, config);
        });
      }
    }
  });
});
