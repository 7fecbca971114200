// The one request-target the gateway routes, inspects and forwards: absolute-form split right
// after the authority, RFC 3986 normalisation of percent-encoded unreserved characters, and the
// paths common upstreams would read differently refused with their rule ids.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePercentEncoding, resolveRequestTarget } from '../src/waf/request-path.js';
import { originFormOf, parseRequestTarget } from '../src/waf/request-target.js';

function refusalOf(rawUrl: string): [number, number] | string {
  const resolved = resolveRequestTarget(rawUrl);
  return resolved.ok ? originFormOf(resolved.target) : [resolved.refusal.status, resolved.refusal.ruleId];
}

describe('request-target resolution', () => {
  it('splits absolute-form targets right after the authority, as the forwarded origin-form', () => {
    assert.deepEqual(parseRequestTarget('http://h?/static/../../etc/passwd'), { form: 'absolute', path: '/', query: '/static/../../etc/passwd', authority: 'h' });
    assert.equal(refusalOf('http://h?/admin/x'), '/?/admin/x');
    assert.equal(refusalOf('http://api.example:8080/a/b?q=1'), '/a/b?q=1');
  });

  it('refuses a network-path in absolute form too (400 920100)', () => {
    assert.equal(parseRequestTarget('http://h//evil.example/x'), null);
    assert.deepEqual(refusalOf('http://h//evil.example/x'), [400, 920100]);
    assert.deepEqual(refusalOf('//evil.example/x'), [400, 920100]);
  });

  it('decodes percent-encoded unreserved characters and upper-cases other escapes (RFC 3986 6.2.2)', () => {
    assert.equal(normalizePercentEncoding('/%61dmin/%7Euser/%2d%5F'), '/admin/~user/-_');
    assert.equal(normalizePercentEncoding('/caf%c3%a9/a%20b'), '/caf%C3%A9/a%20b');
    assert.equal(refusalOf('/%61dmin/x?q=%61'), '/admin/x?q=%61');
    assert.equal(refusalOf('/file%2ejson'), '/file.json');
  });

  it('keeps a normal path exactly as received', () => {
    const resolved = resolveRequestTarget('/api/runs/%C3%A9?x=1');
    assert.ok(resolved.ok);
    assert.equal(resolved.target.path, '/api/runs/%C3%A9');
  });

  it('refuses paths upstreams may normalise differently (400 920120)', () => {
    const ambiguous = [
      '/./admin/x',
      '/%2e/admin/x',
      '/%2E/admin/x',
      '/%252e/admin/x',
      '/%u002e/admin/x',
      '/admin/.',
      '/admin;x/x',
      '/admin%3bx/x',
      '/admin%2fx',
      '/admin%2Fx',
      '/admin%252fx',
      '/admin%5cx',
      '/admin\\x',
      '/api//admin/x',
      '/a/%ef%bc%8f/b',
    ];
    for (const rawUrl of ambiguous) assert.deepEqual(refusalOf(rawUrl), [400, 920120], rawUrl);
  });

  it('still answers traversal with 403 930100 and null bytes with 400 920270', () => {
    assert.deepEqual(refusalOf('/static/../admin'), [403, 930100]);
    assert.deepEqual(refusalOf('/static/%2e%2e/admin'), [403, 930100]);
    assert.deepEqual(refusalOf('/a%00b'), [400, 920270]);
  });
});
