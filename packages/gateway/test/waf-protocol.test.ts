import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkProtocol, DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits, type RequestView } from '../src/waf/protocol-checks.js';
import { decodingStages, percentDecodeLeniently } from '../src/waf/percent-decoding.js';
import { parseRequestTarget, splitQuery } from '../src/waf/request-target.js';

const limits: ProtocolLimits = { ...DEFAULT_PROTOCOL_LIMITS, maxUrlLength: 200, maxHeaderCount: 10, maxHeaderBytes: 600, maxArgs: 5, maxArgLength: 20, maxBodyBytes: 1000 };

function view(overrides: Partial<RequestView> = {}): RequestView {
  return { method: 'GET', rawUrl: '/api/runs?limit=10', headers: ['Host', 'api.example'], hasBody: false, ...overrides };
}

function refusalOf(overrides: Partial<RequestView>): [number, number] | 'ok' {
  const result = checkProtocol(view(overrides), limits);
  return result.ok ? 'ok' : [result.refusal.status, result.refusal.ruleId];
}

describe('percent-decoding', () => {
  it('decodes %XX, %uXXXX, overlong UTF-8 and keeps invalid sequences', () => {
    assert.equal(percentDecodeLeniently('%2e%2E%2f'), '../');
    assert.equal(percentDecodeLeniently('%u002e%U002E'), '..');
    assert.equal(percentDecodeLeniently('%c0%ae%c0%af'), './');
    assert.equal(percentDecodeLeniently('%e0%80%ae'), '.');
    assert.equal(percentDecodeLeniently('%C3%A9t%C3%A9'), 'été');
    assert.equal(percentDecodeLeniently('100%'), '100%');
    assert.equal(percentDecodeLeniently('%zz%4'), '%zz%4');
    assert.equal(percentDecodeLeniently('%ff'), '\ufffd');
    assert.equal(percentDecodeLeniently('a+b', true), 'a b');
    assert.equal(percentDecodeLeniently('a+b'), 'a+b');
  });

  it('lists every decoding stage, stopping when nothing changes', () => {
    assert.deepEqual(decodingStages('%252e'), ['%252e', '%2e', '.']);
    assert.deepEqual(decodingStages('plain'), ['plain']);
    assert.deepEqual(decodingStages('%25252525', 3), ['%25252525', '%252525', '%2525', '%25']);
  });
});

describe('request-target', () => {
  it('splits origin-form, absolute-form and asterisk-form', () => {
    assert.deepEqual(parseRequestTarget('/a/b?x=1'), { form: 'origin', path: '/a/b', query: 'x=1' });
    assert.deepEqual(parseRequestTarget('/a'), { form: 'origin', path: '/a', query: null });
    assert.deepEqual(parseRequestTarget('http://api.example:8080/a?q'), { form: 'absolute', path: '/a', query: 'q', authority: 'api.example:8080' });
    assert.deepEqual(parseRequestTarget('HTTPS://api.example?q=1'), { form: 'absolute', path: '/', query: 'q=1', authority: 'api.example' });
    assert.deepEqual(parseRequestTarget('*'), { form: 'asterisk', path: '*', query: null });
  });

  it('refuses other forms', () => {
    for (const bad of ['a/b', 'api.example:443', '//evil.example/x', '/a#frag', 'ftp://x/y', 'http:///x', 'http://user@host/x', '']) {
      assert.equal(parseRequestTarget(bad), null, bad);
    }
  });

  it('splits query arguments without decoding', () => {
    assert.deepEqual(splitQuery('a=1&b&&c=%20=2&'), [
      { name: 'a', value: '1' },
      { name: 'b', value: '' },
      { name: 'c', value: '%20=2' },
    ]);
    assert.equal(splitQuery('a&b&c&d', 2).length, 2);
  });
});

describe('protocol checks: each refusal with its status and rule id', () => {
  it('passes an ordinary request and returns its target and arguments', () => {
    const result = checkProtocol(view({ rawUrl: '/api/runs?limit=10&after=2024-01-01' }), limits);
    assert.ok(result.ok);
    assert.equal(result.target.path, '/api/runs');
    assert.deepEqual(result.args, [{ name: 'limit', value: '10' }, { name: 'after', value: '2024-01-01' }]);
    assert.equal(refusalOf({ method: 'POST', headers: ['Host', 'h', 'Content-Length', '12'], hasBody: true }), 'ok');
    assert.equal(refusalOf({ method: 'PUT', headers: ['host', 'h', 'transfer-encoding', 'Chunked'], hasBody: true }), 'ok');
    assert.equal(refusalOf({ method: 'OPTIONS', rawUrl: '*' }), 'ok');
    assert.equal(refusalOf({ rawUrl: 'http://api.example/runs' }), 'ok');
    assert.equal(refusalOf({ headers: [], httpVersion: '1.0' }), 'ok');
    assert.equal(refusalOf({ rawUrl: '/a/...b/.x/..c' }), 'ok');
    assert.equal(refusalOf({ headers: ['Host', 'h', 'Content-Length', '0'] }), 'ok');
  });

  it('405 911100: a method outside the allowed list', () => {
    assert.deepEqual(refusalOf({ method: 'TRACE' }), [405, 911100]);
    assert.deepEqual(refusalOf({ method: 'CONNECT', rawUrl: 'api.example:443' }), [405, 911100]);
    assert.deepEqual(refusalOf({ method: 'get' }), [405, 911100]);
  });

  it('414 920311: URL too long', () => {
    assert.deepEqual(refusalOf({ rawUrl: `/${'a'.repeat(200)}` }), [414, 920311]);
    assert.equal(refusalOf({ rawUrl: `/${'a'.repeat(199)}` }), 'ok');
  });

  it('431 920390 / 920391: too many or too large headers', () => {
    const extra = (count: number) => Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']).flat();
    assert.deepEqual(refusalOf({ headers: ['Host', 'h', ...extra(9)] }), 'ok');
    assert.deepEqual(refusalOf({ headers: ['Host', 'h', ...extra(10)] }), [431, 920390]);
    assert.deepEqual(refusalOf({ headers: ['Host', 'h', 'Cookie', 'c'.repeat(600)] }), [431, 920391]);
  });

  it('400 920100 / 920101: bad request-target', () => {
    assert.deepEqual(refusalOf({ rawUrl: 'index.html' }), [400, 920100]);
    assert.deepEqual(refusalOf({ rawUrl: '//evil.example/' }), [400, 920100]);
    assert.deepEqual(refusalOf({ rawUrl: '/a#b' }), [400, 920100]);
    assert.deepEqual(refusalOf({ rawUrl: '*' }), [400, 920100]);
    assert.deepEqual(refusalOf({ rawUrl: '/a b' }), [400, 920101]);
    assert.deepEqual(refusalOf({ rawUrl: '/a\tb' }), [400, 920101]);
    assert.deepEqual(refusalOf({ rawUrl: '/a\u007f' }), [400, 920101]);
  });

  it('400 920270: null bytes, raw or encoded (also double encoded and %u0000)', () => {
    assert.deepEqual(refusalOf({ rawUrl: '/a\u0000b' }), [400, 920270]);
    assert.deepEqual(refusalOf({ rawUrl: '/file.php%00.png' }), [400, 920270]);
    assert.deepEqual(refusalOf({ rawUrl: '/file%2500' }), [400, 920270]);
    assert.deepEqual(refusalOf({ rawUrl: '/a?x=%u0000' }), [400, 920270]);
    assert.deepEqual(refusalOf({ rawUrl: '/a?x=1%00' }), [400, 920270]);
  });

  it('400 920280 / 920290 / 920291: missing, empty or repeated Host', () => {
    assert.deepEqual(refusalOf({ headers: [] }), [400, 920280]);
    assert.deepEqual(refusalOf({ headers: ['Host', '  '] }), [400, 920290]);
    assert.deepEqual(refusalOf({ headers: ['Host', 'a', 'HOST', 'b'] }), [400, 920291]);
  });

  it('400 920181 / 920161 / 920160 / 920182: request smuggling shapes', () => {
    const post = (headers: string[]) => refusalOf({ method: 'POST', headers: ['Host', 'h', ...headers], hasBody: true });
    assert.deepEqual(post(['Content-Length', '5', 'Transfer-Encoding', 'chunked']), [400, 920181]);
    assert.deepEqual(post(['Transfer-Encoding', 'chunked', 'content-length', '0']), [400, 920181]);
    assert.deepEqual(post(['Content-Length', '5', 'Content-Length', '5']), [400, 920161]);
    assert.deepEqual(post(['Content-Length', '5', 'Content-Length', '6']), [400, 920161]);
    assert.deepEqual(post(['Content-Length', '5, 5']), [400, 920161]);
    assert.deepEqual(post(['Content-Length', '+5']), [400, 920160]);
    assert.deepEqual(post(['Content-Length', '0x10']), [400, 920160]);
    assert.deepEqual(post(['Content-Length', '']), [400, 920160]);
    assert.deepEqual(post(['Transfer-Encoding', 'gzip, chunked']), [400, 920182]);
    assert.deepEqual(post(['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked']), [400, 920182]);
    assert.deepEqual(post(['Transfer-Encoding', 'xchunked']), [400, 920182]);
    assert.deepEqual(refusalOf({ method: 'POST', httpVersion: '1.0', headers: ['Host', 'h', 'Transfer-Encoding', 'chunked'], hasBody: true }), [400, 920182]);
  });

  it('400 920170: a body on GET or HEAD', () => {
    assert.deepEqual(refusalOf({ headers: ['Host', 'h', 'Content-Length', '3'], hasBody: true }), [400, 920170]);
    assert.deepEqual(refusalOf({ method: 'HEAD', headers: ['Host', 'h', 'Transfer-Encoding', 'chunked'] }), [400, 920170]);
    assert.deepEqual(refusalOf({ hasBody: true }), [400, 920170]);
  });

  it('413 920400: declared body larger than maxBodyBytes', () => {
    assert.deepEqual(refusalOf({ method: 'POST', headers: ['Host', 'h', 'Content-Length', '1001'], hasBody: true }), [413, 920400]);
    assert.equal(refusalOf({ method: 'POST', headers: ['Host', 'h', 'Content-Length', '1000'], hasBody: true }), 'ok');
    assert.deepEqual(refusalOf({ method: 'POST', headers: ['Host', 'h'], contentLength: 5000, hasBody: true }), [413, 920400]);
  });

  it('400 920380 / 920370: too many or too long query arguments', () => {
    assert.equal(refusalOf({ rawUrl: '/s?a=1&b=2&c=3&d=4&e=5' }), 'ok');
    assert.deepEqual(refusalOf({ rawUrl: '/s?a=1&b=2&c=3&d=4&e=5&f=6' }), [400, 920380]);
    assert.deepEqual(refusalOf({ rawUrl: `/s?q=${'x'.repeat(21)}` }), [400, 920370]);
    assert.deepEqual(refusalOf({ rawUrl: `/s?${'n'.repeat(21)}=1` }), [400, 920370]);
    const result = checkProtocol(view({ rawUrl: `/s?q=${'x'.repeat(21)}` }), limits);
    assert.ok(!result.ok);
    assert.equal(result.refusal.target, 'query:q');
  });

  it('403 930100: path traversal after decoding (double, %u, overlong UTF-8, backslash, path parameter)', () => {
    const traversals = [
      '/static/../etc/passwd',
      '/static/..',
      '/static/%2e%2e/secret',
      '/static/.%2E/secret',
      '/static/%252e%252e/secret',
      '/static/%25252e%25252e/secret',
      '/static/%u002e%u002e/secret',
      '/static/%c0%ae%c0%ae/secret',
      '/static/..%c0%afsecret',
      '/static/..%5csecret',
      '/static\\..\\secret',
      '/static/..;jsessionid=1/secret',
      '/static/%ef%bc%8e%ef%bc%8e/secret',
      '/static/..%2fsecret',
    ];
    for (const rawUrl of traversals) assert.deepEqual(refusalOf({ rawUrl }), [403, 930100], rawUrl);
  });
});
