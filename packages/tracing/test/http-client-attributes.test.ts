// The URL a client span records: credentials and query secrets redacted, the rest kept as it was sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientRequestAttributes, clientSpanName } from '../src/http-client-attributes.js';

describe('client span attributes', () => {
  it('redacts user:password and the values of secret query keys, keeps the other values encoded as sent', () => {
    assert.deepEqual(clientRequestAttributes('GET', 'https://user:pw@api.example.com', '/a?Signature=s1&access_token=t&q=a%20b&flag&X-Goog-Signature=g#frag'), {
      'http.request.method': 'GET',
      'server.address': 'api.example.com',
      'server.port': 443,
      'url.full': 'https://REDACTED:REDACTED@api.example.com/a?Signature=REDACTED&access_token=REDACTED&q=a%20b&flag&X-Goog-Signature=REDACTED',
    });
  });

  it('names an unknown method HTTP and records it as _OTHER with its original', () => {
    assert.equal(clientSpanName('PURGE'), 'HTTP');
    assert.deepEqual(clientRequestAttributes('PURGE', 'http://[::1]:8080', '/'), {
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
      'server.address': '::1',
      'server.port': 8080,
      'url.full': 'http://[::1]:8080/',
    });
  });
});
