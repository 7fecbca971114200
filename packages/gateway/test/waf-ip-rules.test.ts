import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpAddress, parseIpAddress } from '../src/waf/ip-address.js';
import { CidrMatcher, clientAddress, clientKeyForAddress, compileIpRules, InvalidCidrError, isTrustedProxy } from '../src/waf/ip-rules.js';

describe('IP address parsing', () => {
  it('parses IPv4 and rejects malformed or ambiguous forms', () => {
    assert.deepEqual(parseIpAddress('192.168.1.20'), { family: 4, value: 0xc0a80114 });
    assert.deepEqual(parseIpAddress('0.0.0.0'), { family: 4, value: 0 });
    assert.deepEqual(parseIpAddress('255.255.255.255'), { family: 4, value: 0xffffffff });
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '1.2.3.4 ', 'a.b.c.d', '', '1.2.3.-4']) {
      assert.equal(parseIpAddress(bad), null, bad);
    }
  });

  it('parses IPv6 text forms and formats them canonically (RFC 5952)', () => {
    const cases: Array<[string, string]> = [
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['fe80::1%eth0', 'fe80::1'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ];
    for (const [input, canonical] of cases) {
      const parsed = parseIpAddress(input);
      assert.ok(parsed, input);
      assert.equal(formatIpAddress(parsed), canonical, input);
    }
    for (const bad of [':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1.2.3.4::', ':1:2:3:4:5:6:7', '::ffff:1.2.3']) {
      assert.equal(parseIpAddress(bad), null, bad);
    }
  });

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    assert.deepEqual(parseIpAddress('::ffff:10.1.2.3'), parseIpAddress('10.1.2.3'));
    assert.deepEqual(parseIpAddress('::FFFF:a01:203'), parseIpAddress('10.1.2.3'));
  });
});

describe('CidrMatcher', () => {
  it('matches IPv4 and IPv6 ranges at their prefix boundaries', () => {
    const matcher = CidrMatcher.compile(['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7', '2001:db8::/32', '::1']);
    assert.equal(matcher.matches('10.255.255.255'), true);
    assert.equal(matcher.matches('11.0.0.0'), false);
    assert.equal(matcher.matches('192.168.1.255'), true);
    assert.equal(matcher.matches('192.168.2.0'), false);
    assert.equal(matcher.matches('203.0.113.7'), true);
    assert.equal(matcher.matches('203.0.113.8'), false);
    assert.equal(matcher.matches('2001:db8:ffff::1'), true);
    assert.equal(matcher.matches('2001:db9::1'), false);
    assert.equal(matcher.matches('::1'), true);
    assert.equal(matcher.matches('::2'), false);
    assert.equal(matcher.matches('not an address'), false);
  });

  it('matches IPv4-mapped addresses against IPv4 ranges and mapped ranges against IPv4', () => {
    const v4 = CidrMatcher.compile(['10.0.0.0/8']);
    assert.equal(v4.matches('::ffff:10.9.8.7'), true);
    const mapped = CidrMatcher.compile(['::ffff:172.16.0.0/108']); // = 172.16.0.0/12
    assert.equal(mapped.matches('172.31.255.255'), true);
    assert.equal(mapped.matches('172.32.0.0'), false);
  });

  it('ignores host bits, accepts /0 and "all"', () => {
    assert.equal(CidrMatcher.compile(['10.1.2.3/8']).matches('10.200.0.1'), true);
    assert.equal(CidrMatcher.compile(['0.0.0.0/0']).matches('8.8.8.8'), true);
    assert.equal(CidrMatcher.compile(['0.0.0.0/0']).matches('2001:db8::1'), false);
    const all = CidrMatcher.compile(['all']);
    assert.equal(all.matches('8.8.8.8'), true);
    assert.equal(all.matches('2001:db8::1'), true);
  });

  it('names the bad entry when compiling fails', () => {
    assert.throws(() => CidrMatcher.compile(['10.0.0.0/8', '10.0.0.0/33']), (error: unknown) => {
      assert.ok(error instanceof InvalidCidrError);
      assert.equal(error.message, 'invalid CIDR "10.0.0.0/33": prefix length must be 0-32');
      return true;
    });
    assert.throws(() => CidrMatcher.compile(['example.com']), /invalid CIDR "example.com": not an IPv4 or IPv6 address/);
    assert.throws(() => CidrMatcher.compile(['2001:db8::/129']), /prefix length must be 0-128/);
    assert.throws(() => CidrMatcher.compile(['::ffff:10.0.0.0/64']), /IPv4-mapped range needs a prefix of at least 96/);
    assert.throws(() => CidrMatcher.compile(['10.0.0.0/']), /prefix length/);
  });
});

describe('IpRules', () => {
  it('lets deny win over allow', () => {
    const rules = compileIpRules({ allow: ['10.0.0.0/8'], deny: ['10.6.6.0/24'] });
    assert.equal(rules.decide('10.1.1.1'), 'allow');
    assert.equal(rules.decide('10.6.6.6'), 'deny');
    assert.equal(rules.decide('::ffff:10.6.6.6'), 'deny');
  });

  it('refuses everything outside a non-empty allow list, and nothing without lists', () => {
    const allowOnly = compileIpRules({ allow: ['2001:db8::/48'] });
    assert.equal(allowOnly.decide('2001:db8:0:1::5'), 'allow');
    assert.equal(allowOnly.decide('2001:db8:1::5'), 'not-allowed');
    assert.equal(allowOnly.decide('127.0.0.1'), 'not-allowed');
    assert.equal(allowOnly.decide('garbage'), 'not-allowed');
    const denyOnly = compileIpRules({ deny: ['127.0.0.0/8'] });
    assert.equal(denyOnly.decide('127.0.0.1'), 'deny');
    assert.equal(denyOnly.decide('128.0.0.1'), 'allow');
    const none = compileIpRules({ allow: [], deny: [] });
    assert.equal(none.isEmpty, true);
    assert.equal(none.decide('1.2.3.4'), 'allow');
  });
});

describe('clientKeyForAddress', () => {
  it('keeps IPv4, unwraps IPv4-mapped and groups IPv6 by /64', () => {
    assert.equal(clientKeyForAddress('203.0.113.9'), '203.0.113.9');
    assert.equal(clientKeyForAddress('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(clientKeyForAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
    assert.equal(clientKeyForAddress('2001:0db8:0001:0002::1'), '2001:db8:1:2::/64');
    assert.equal(clientKeyForAddress('2001:db8:1:3::1'), '2001:db8:1:3::/64');
    assert.equal(clientKeyForAddress('::1'), '::/64');
    assert.equal(clientKeyForAddress('unix-socket'), 'unix-socket');
  });
});

describe('clientAddress (realip, recursive)', () => {
  const trusted = CidrMatcher.compile(['10.0.0.0/8', '2001:db8:ffff::/48']);

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    assert.equal(clientAddress('198.51.100.1', '1.2.3.4', trusted), '198.51.100.1');
    assert.equal(isTrustedProxy('198.51.100.1', trusted), false);
    assert.equal(isTrustedProxy('10.0.0.1', trusted), true);
  });

  it('walks from the right, skipping trusted proxies', () => {
    assert.equal(clientAddress('10.0.0.2', '203.0.113.5', trusted), '203.0.113.5');
    assert.equal(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.5, 10.0.0.9', trusted), '203.0.113.5');
    assert.equal(clientAddress('10.0.0.2', ['6.6.6.6, 203.0.113.5', '10.1.1.1'], trusted), '203.0.113.5');
    assert.equal(clientAddress('::ffff:10.0.0.2', '2001:db8::7, 2001:db8:ffff::1', trusted), '2001:db8::7');
  });

  it('returns the leftmost hop when every hop is trusted', () => {
    assert.equal(clientAddress('10.0.0.2', '10.0.0.3, 10.0.0.4', trusted), '10.0.0.3');
  });

  it('accepts ports on hops and returns canonical forms', () => {
    assert.equal(clientAddress('10.0.0.2', '203.0.113.5:4711', trusted), '203.0.113.5');
    assert.equal(clientAddress('10.0.0.2', '[2001:DB8::7]:443', trusted), '2001:db8::7');
    assert.equal(clientAddress('::ffff:198.51.100.1', undefined, trusted), '198.51.100.1');
  });

  it('keeps the peer address when a hop is not an address', () => {
    assert.equal(clientAddress('10.0.0.2', '203.0.113.5, unknown, 10.0.0.9', trusted), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '', trusted), '10.0.0.2');
    assert.equal(clientAddress(undefined, '1.2.3.4', trusted), '');
  });

  it('trusts nothing with an empty proxy list', () => {
    assert.equal(clientAddress('10.0.0.2', '1.2.3.4', CidrMatcher.compile([])), '10.0.0.2');
  });
});
