import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileFirewallConfig,
  firewallLogFields,
  FirewallConfigError,
  inspectBody,
  inspectRequest,
  shouldInspectBody,
  type FirewallOptions,
  type FirewallVerdict,
} from '../src/waf/firewall.js';
import type { RequestView } from '../src/waf/protocol-checks.js';

const block = compileFirewallConfig({ mode: 'block', ipRules: { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.0/24'] } });
const detect = compileFirewallConfig({ mode: 'detect' });
const off = compileFirewallConfig({ mode: 'off' });

function get(rawUrl: string, overrides: Partial<RequestView> = {}): RequestView {
  return { method: 'GET', rawUrl, headers: ['Host', 'api.example', 'Accept', '*/*'], hasBody: false, clientAddress: '10.1.2.3', ...overrides };
}

function summary(verdict: FirewallVerdict): string {
  return verdict.action === 'pass' ? `pass ${verdict.score}` : `${verdict.action} ${verdict.status} ${verdict.ruleId}`;
}

describe('inspectRequest', () => {
  it('passes ordinary requests with a zero score', () => {
    assert.deepEqual(inspectRequest(get('/api/runs?limit=10&q=Select+your+race'), block), { action: 'pass', score: 0, matches: [] });
    assert.equal(summary(inspectRequest(get("/api/users?name=O'Brien"), block)), 'pass 0');
  });

  it('403 910100 / 910110: IP deny list and allow list', () => {
    assert.equal(summary(inspectRequest(get('/', { clientAddress: '10.6.6.1' }), block)), 'block 403 910100');
    assert.equal(summary(inspectRequest(get('/', { clientAddress: '192.0.2.1' }), block)), 'block 403 910110');
    assert.equal(summary(inspectRequest(get('/', { clientAddress: '::ffff:10.6.6.1' }), block)), 'block 403 910100');
    assert.equal(summary(inspectRequest(get('/', { clientAddress: '2001:db8::5' }), block)), 'pass 0');
    assert.equal(summary(inspectRequest(get('/', { clientAddress: undefined }), block)), 'block 403 910110');
  });

  it('refuses protocol violations in every mode, with their natural status', () => {
    for (const config of [block, detect, off]) {
      assert.equal(summary(inspectRequest(get('/', { method: 'TRACE', clientAddress: '10.0.0.1' }), config)), 'block 405 911100');
      assert.equal(summary(inspectRequest(get('/a/%2e%2e/b'), config)), 'block 403 930100');
      assert.equal(summary(inspectRequest(get('/a%00'), config)), 'block 400 920270');
      assert.equal(summary(inspectRequest(get(`/${'a'.repeat(5000)}`), config)), 'block 414 920311');
      assert.equal(summary(inspectRequest(get('/', { headers: ['Host', 'h', 'X', 'x'.repeat(20000)] }), config)), 'block 431 920391');
      assert.equal(summary(inspectRequest(get('/', { method: 'POST', headers: ['Host', 'h', 'Content-Length', '1', 'Transfer-Encoding', 'chunked'] }), config)), 'block 400 920181');
      assert.equal(summary(inspectRequest(get('/', { method: 'POST', headers: ['Host', 'h', 'Content-Length', '2000000'] }), config)), 'block 413 920400');
    }
  });

  it('blocks signature matches with 403 in block mode, naming the strongest rule', () => {
    const verdict = inspectRequest(get('/search?q=1%27%20union%20select%20password%20from%20users--'), block);
    assert.ok(verdict.action === 'block');
    assert.equal(verdict.status, 403);
    assert.equal(verdict.ruleId, 942120);
    assert.deepEqual(verdict.matches.map((m) => m.ruleId), [942120, 942190, 942200]);
    assert.equal(verdict.score, 11);
    assert.equal(verdict.matches[0]?.target, 'query:q');
    assert.match(verdict.message, /^SQL UNION SELECT in query:q \(anomaly score 11 >= 5\)$/);
    assert.equal(summary(inspectRequest(get('/p/%3Cscript%3Ealert(1)%3C/script%3E'), block)), 'block 403 941100');
    // An encoded slash in the path is refused before any signature (upstreams disagree on it).
    assert.equal(summary(inspectRequest(get('/p/%3Cscript%3Ealert(1)%3C%2Fscript%3E'), block)), 'block 400 920120');
    assert.equal(summary(inspectRequest(get('/p?%3Csvg%20onload%3Dx%3E=1'), block)), 'block 403 941110');
    assert.equal(inspectRequest(get('/p?%3Csvg%20onload%3Dx%3E=1'), block).matches[0]?.target, 'query-name');
  });

  it('reports but passes signature matches in detect mode, and skips them in off mode', () => {
    const url = "/search?q=x'%20or%20'a'='a";
    assert.equal(summary(inspectRequest(get(url), detect)), 'detect 403 942110');
    assert.deepEqual(inspectRequest(get(url), off), { action: 'pass', score: 0, matches: [] });
  });

  it('honours a configured anomaly threshold', () => {
    const strict = compileFirewallConfig({ anomalyThreshold: 3 });
    const lenient = compileFirewallConfig({ anomalyThreshold: 11 });
    const url = '/q?q=select+name+from+runs';
    assert.equal(summary(inspectRequest(get(url), block)), 'pass 3');
    assert.equal(summary(inspectRequest(get(url), strict)), 'block 403 942190');
    assert.equal(summary(inspectRequest(get('/q?q=1+union+select+1'), lenient)), 'pass 5');
  });

  it('gives one log line with the rule id and the findings', () => {
    const verdict = inspectRequest(get('/x?a=../../etc/passwd'), block);
    assert.ok(verdict.action !== 'pass');
    assert.deepEqual(firewallLogFields(verdict), {
      waf: {
        action: 'block', status: 403, ruleId: 930110, score: 10,
        rules: [{ id: 930110, target: 'query:a', matched: '../' }, { id: 930120, target: 'query:a', matched: '/etc/passwd' }],
      },
      msg: 'Path traversal in an argument (../) in query:a (anomaly score 10 >= 5)',
    });
    const hard = inspectRequest(get('/', { method: 'TRACE' }), block);
    assert.ok(hard.action !== 'pass');
    assert.deepEqual(firewallLogFields(hard), {
      waf: { action: 'block', status: 405, ruleId: 911100, score: 5, rules: [{ id: 911100, target: 'method' }] },
      msg: 'Method is not allowed: TRACE',
    });
  });
});

describe('inspectBody', () => {
  const json = 'application/json; charset=utf-8';
  const form = 'application/x-www-form-urlencoded';

  it('passes ordinary form and JSON bodies', () => {
    assert.equal(summary(inspectBody(json, Buffer.from('{"distance": 10, "name": "O\'Brien", "note": "I love <3 running"}'), block)), 'pass 0');
    assert.equal(summary(inspectBody(form, Buffer.from('race=Select+your+race&note=100%25+effort'), block)), 'pass 0');
    assert.equal(summary(inspectBody('application/vnd.api+json', Buffer.from('[1, 2.5, true, null, {"a": []}]'), block)), 'pass 0');
  });

  it('finds signatures in form names and values', () => {
    const verdict = inspectBody(form, Buffer.from('user=admin%27--&pass=x'), block);
    assert.equal(summary(verdict), 'block 403 942140');
    assert.equal(verdict.matches[0]?.target, 'form:user');
    assert.equal(summary(inspectBody(form, Buffer.from('%3Cscript%3E=1'), block)), 'block 403 941100');
  });

  it('finds signatures in JSON string values and keys, naming the JSON path', () => {
    const nested = inspectBody(json, Buffer.from('{"runs": [{"title": "ok"}, {"title": "<img src=x onerror=alert(1)>"}]}'), block);
    assert.equal(summary(nested), 'block 403 941110');
    assert.equal(nested.matches[0]?.target, 'json:$.runs[1].title');
    const key = inspectBody(json, Buffer.from('{"x\' or 1=1--": 1}'), block);
    assert.equal(summary(key), 'block 403 942100');
    assert.equal(key.matches[0]?.target, 'json-key:$');
  });

  it('inspects invalid JSON as one text', () => {
    const verdict = inspectBody(json, Buffer.from('{"a": "1 union select 1", '), block);
    assert.equal(summary(verdict), 'block 403 942120');
    assert.equal(verdict.matches[0]?.target, 'body');
  });

  it('adds body findings to the URL findings, counting each rule once', () => {
    const first = inspectRequest(get('/q?q=select+name+from+runs', { method: 'POST' }), block);
    assert.ok(first.action === 'pass');
    assert.equal(first.score, 3);
    const sameRule = inspectBody(form, Buffer.from('q=select+a+from+b'), block, first);
    assert.equal(summary(sameRule), 'pass 3');
    const otherRule = inspectBody(form, Buffer.from("q=the+'fast'+and+'slow'"), block, first);
    assert.equal(summary(otherRule), 'block 403 942190');
    assert.equal(otherRule.score, 6);
    assert.deepEqual(otherRule.matches.map((m) => [m.ruleId, m.target]), [[942190, 'query:q'], [942200, 'form:q']]);
  });

  it('skips other content types, bodies over the inspection limit and off mode', () => {
    const attack = Buffer.from('q=1+union+select+1');
    assert.deepEqual(inspectBody('text/plain', attack, block), { action: 'pass', score: 0, matches: [], bodySkipped: 'unsupported-type' });
    assert.deepEqual(inspectBody(undefined, attack, block), { action: 'pass', score: 0, matches: [], bodySkipped: 'unsupported-type' });
    assert.deepEqual(inspectBody(form, attack, off), { action: 'pass', score: 0, matches: [], bodySkipped: 'mode-off' });
    const small = compileFirewallConfig({ bodyInspectionLimitBytes: 10 });
    assert.deepEqual(inspectBody(form, attack, small), { action: 'pass', score: 0, matches: [], bodySkipped: 'too-large' });
    assert.equal(shouldInspectBody(form, 10, small), true);
    assert.equal(shouldInspectBody(form, 11, small), false);
    assert.equal(shouldInspectBody(form, undefined, small), true);
    assert.equal(shouldInspectBody('multipart/form-data; boundary=x', 5, small), true);
    assert.equal(shouldInspectBody('application/octet-stream', 5, small), false);
    assert.equal(shouldInspectBody(json, 5, off), false);
  });

  it('refuses bodies beyond the walk bounds (depth, count) in block mode, reports them in detect mode (920600)', () => {
    const deep = `${'['.repeat(40)}"1 union select 1"${']'.repeat(40)}`;
    const shallow = compileFirewallConfig({ jsonMaxDepth: 32 });
    assert.equal(summary(inspectBody(json, Buffer.from(deep), shallow)), 'block 403 920600');
    assert.equal(summary(inspectBody(json, Buffer.from(deep), compileFirewallConfig({ jsonMaxDepth: 32, mode: 'detect' }))), 'detect 403 920600');
    assert.equal(summary(inspectBody(json, Buffer.from(`${'['.repeat(31)}"x"${']'.repeat(31)}`), shallow)), 'pass 0');
    const few = compileFirewallConfig({ maxBodyTargets: 7 });
    const many = JSON.stringify({ a: 'x', b: 'y', c: 'z', d: '1 union select 1' });
    assert.equal(summary(inspectBody(json, Buffer.from(many), few)), 'block 403 920600');
    assert.equal(summary(inspectBody(form, Buffer.from('a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8'), few)), 'block 403 920600');
    assert.equal(summary(inspectBody(json, Buffer.from(many), block)), 'block 403 942120');
  });

  it('inspects every value of a duplicated JSON key, and names their paths', () => {
    const duplicated = '{"note": "<script>alert(1)</script>", "note": "fine"}';
    const verdict = inspectBody(json, Buffer.from(duplicated), block);
    assert.equal(summary(verdict), 'block 403 941100');
    assert.equal(verdict.matches[0]?.target, 'json:$.note');
    const nested = inspectBody(json, Buffer.from('{"a": [1, {"b": "x", "b": "1 union select 1"}]}'), block);
    assert.equal(nested.matches[0]?.target, 'json:$.a[1].b');
  });
});

describe('compileFirewallConfig', () => {
  it('fills in defaults', () => {
    const config = compileFirewallConfig();
    assert.equal(config.mode, 'block');
    assert.equal(config.anomalyThreshold, 5);
    assert.equal(config.bodyInspectionLimitBytes, 65536);
    assert.deepEqual(config.protocol.allowedMethods, ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    assert.equal(config.protocol.maxUrlLength, 4096);
    assert.equal(config.ipRules.isEmpty, true);
  });

  const bad: Array<[FirewallOptions, string]> = [
    [{ mode: 'strict' as never }, 'routes[0].waf.mode: must be one of "block", "detect", "off", got "strict"'],
    [{ anomalyThreshold: 0 }, 'routes[0].waf.anomalyThreshold: must be a positive integer, got 0'],
    [{ anomalyThreshold: 2.5 }, 'routes[0].waf.anomalyThreshold: must be a positive integer, got 2.5'],
    [{ protocol: { maxUrlLength: '4k' as never } }, 'routes[0].waf.protocol.maxUrlLength: must be a positive integer, got "4k"'],
    [{ protocol: { allowedMethods: ['get'] } }, 'routes[0].waf.protocol.allowedMethods: must be a non-empty list of upper-case method names'],
    [{ protocol: { allowedMethods: [] } }, 'routes[0].waf.protocol.allowedMethods: must be a non-empty list of upper-case method names'],
    [{ ipRules: { deny: ['10.0.0.0/40'] } }, 'routes[0].waf.ipRules: invalid CIDR "10.0.0.0/40": prefix length must be 0-32'],
    [{ ipRules: { allow: '10.0.0.0/8' as never } }, 'routes[0].waf.ipRules.allow: must be a list of CIDR strings'],
    [{ bodyInspectionLimitBytes: -1 }, 'routes[0].waf.bodyInspectionLimitBytes: must be a positive integer, got -1'],
    [{ maxMultipartParts: 0 }, 'routes[0].waf.maxMultipartParts: must be a positive integer, got 0'],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(() => compileFirewallConfig(options, 'routes[0].waf'), (error: unknown) => {
        assert.ok(error instanceof FirewallConfigError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});
