// The configuration file: both syntaxes, every default, and the exact message for each kind of mistake.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../src/config/errors.js';
import { loadConfigFile, parseConfig } from '../src/config/load.js';
import { parseDuration, parseRate } from '../src/config/units.js';

const ROUTE = { prefix: '/api/', upstream: ['http://127.0.0.1:5002'] };

function issuesOf(document: unknown, source = 'gateway.json'): readonly string[] {
  try {
    parseConfig(JSON.stringify(document), source);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration units', () => {
  it('parses nginx rates and durations', () => {
    assert.equal(parseRate('200r/s'), 200);
    assert.equal(parseRate('10 r/m'), 10 / 60);
    assert.equal(parseRate('0.5r/s'), 0.5);
    assert.equal(parseRate('fast'), undefined);
    assert.equal(parseRate('10r/h'), undefined);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('2w'), undefined);
  });
});

describe('configuration files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML and fills every default', async () => {
    const path = join(dir, 'gateway.yaml');
    await writeFile(
      path,
      [
        'routes:',
        '  - prefix: /api/',
        '    upstream: [http://127.0.0.1:5002]',
        '    limits:',
        '      - { type: rate, rate: 10r/m, burst: 3, delay: nodelay }',
        '      - { type: concurrency, key: "header:X-Api-Key", max: 10 }',
        '      - { type: quota, key: route, limit: 5000, window: 1h, sliding: true }',
      ].join('\n'),
    );
    const config = await loadConfigFile(path);
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(config.store, { type: 'memory', maxKeys: 100_000 });
    assert.deepEqual(config.ipRules, { allow: [], deny: [] });
    assert.deepEqual(config.trustedProxies, []);
    assert.equal(config.rejectStatus, 429);
    assert.equal(config.adminPrefix, '/_gateway/');
    assert.deepEqual(config.adminAllow, ['127.0.0.0/8', '::1']);
    assert.equal(config.firewall.anomalyThreshold, 5);
    assert.equal(config.firewall.bodyInspectionLimitBytes, 65_536);
    assert.equal(config.firewall.maxMultipartParts, 200);
    assert.equal(config.firewall.multipartBufferBytes, 8_388_608);
    assert.equal(config.firewall.multipartNonFileLimitBytes, 131_072);
    const [route] = config.routes;
    assert.ok(route);
    assert.deepEqual(route.upstreams, ['http://127.0.0.1:5002']);
    assert.equal(route.wafMode, 'block');
    assert.equal(route.connectTimeoutMs, 2000);
    assert.equal(route.responseTimeoutMs, 30_000);
    assert.equal(route.maxBodyBytes, 1_048_576);
    assert.equal(route.clientBodyTimeoutMs, 60_000);
    assert.equal(route.bodyBufferBytes, 65_536);
    assert.equal(route.connections, 128);
    assert.equal(route.connectionsPerClient, 32);
    assert.equal(route.methods, undefined);
    assert.equal(route.auth, undefined);
    assert.equal(route.caseInsensitive, false);
    assert.equal(route.wafCompressedBodies, 'refuse');
    assert.deepEqual(
      route.limits.map((limit) => limit.rule),
      [
        { type: 'rate', id: '/api/#0', ratePerSecond: 10 / 60, burst: 3, delay: 'nodelay' },
        { type: 'concurrency', id: '/api/#1', max: 10, burst: 0 },
        { type: 'quota', id: '/api/#2', limit: 5000, windowMs: 3_600_000, sliding: true },
      ],
    );
    assert.deepEqual(
      route.limits.map((limit) => limit.key),
      [{ source: 'ip' }, { source: 'header', name: 'x-api-key', missing: 'ip' }, { source: 'route' }],
    );
  });

  it('reads JSON, named by extension or recognised by content', async () => {
    const document = { store: { type: 'redis', url: 'redis://127.0.0.1:6379' }, rejectStatus: 503, routes: [ROUTE] };
    await writeFile(join(dir, 'gateway.json'), JSON.stringify(document));
    await writeFile(join(dir, 'gateway.conf'), JSON.stringify(document));
    for (const name of ['gateway.json', 'gateway.conf']) {
      const config = await loadConfigFile(join(dir, name));
      assert.deepEqual(config.store, { type: 'redis', url: 'redis://127.0.0.1:6379', onError: 'local', keyPrefix: 'runnerly-gateway:', commandTimeoutMs: 50 });
      assert.equal(config.rejectStatus, 503);
    }
  });

  it('names a missing file', async () => {
    await assert.rejects(loadConfigFile(join(dir, 'absent.yaml')), {
      name: 'ConfigError',
      message: `invalid configuration in ${join(dir, 'absent.yaml')}: cannot read the file: ENOENT`,
    });
  });

  it('reports syntax errors with the syntax that was expected', () => {
    assert.throws(() => parseConfig('{"routes": [}', 'gateway.json'), /^ConfigError: invalid configuration in gateway\.json: not valid JSON: /);
    assert.throws(() => parseConfig('routes: [a: b: c]', 'gateway.yaml'), /^ConfigError: invalid configuration in gateway\.yaml: not valid YAML: /);
  });
});

describe('configuration mistakes name the key and the problem', () => {
  it('a rate that is not a rate', () => {
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limits: [{ type: 'rate', rate: '10r/s' }, { type: 'rate', rate: 'fast' }] }] }), [
      'routes[0].limits[1].rate: expected "<N>r/s" or "<N>r/m", got "fast"',
    ]);
  });

  it('a firewall bound that is not a positive integer', () => {
    assert.deepEqual(issuesOf({ firewall: { maxMultipartParts: 0 }, routes: [ROUTE] }), ['firewall.maxMultipartParts: must be at least 1, got 0']);
  });

  it('an unknown key', () => {
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limtis: [] }] }), ['routes[0].limtis: unknown key']);
  });

  it('an unknown limit type', () => {
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limits: [{ type: 'bucket' }] }] }), [
      'routes[0].limits[0].type: expected one of "rate", "concurrency", "quota", got "bucket"',
    ]);
  });

  it('several mistakes at once, each with its path', () => {
    assert.deepEqual(issuesOf({ routes: [{ prefix: '/api/', limits: [{ type: 'quota', limit: 0, window: '2w' }] }] }), [
      'routes[0].upstream: required key is missing',
      'routes[0].limits[0].limit: must be at least 1, got 0',
      'routes[0].limits[0].window: expected a duration such as "1s", "15m", "1h" or "1d", got "2w"',
    ]);
  });

  it('store, prefix and delay shapes', () => {
    assert.deepEqual(
      issuesOf({ store: { type: 'redis' }, routes: [{ ...ROUTE, prefix: 'api', limits: [{ type: 'rate', rate: '1r/s', delay: 'soon' }] }] }),
      [
        'store.url: required key is missing',
        'routes[0].prefix: expected a path starting with "/", got "api"',
        'routes[0].limits[0].delay: expected a non-negative integer or "nodelay", got "soon"',
      ],
    );
  });

  it('enumerations', () => {
    assert.deepEqual(issuesOf({ rejectStatus: 500, routes: [{ ...ROUTE, waf: { mode: 'loud' } }] }), [
      'rejectStatus: expected one of 429, 503, got 500',
      'routes[0].waf.mode: expected one of "block", "detect", "off", got "loud"',
    ]);
  });

  it('limit keys from tokens need auth on the route', () => {
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limits: [{ type: 'quota', key: 'sub', limit: 10, window: '1h' }] }] }), [
      'routes[0].limits[0].key: "sub" needs a verified token, but routes[0] has no auth',
    ]);
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limits: [{ type: 'rate', key: 'cookie', rate: '1r/s' }] }] }), [
      'routes[0].limits[0].key: expected "ip", "sub", "client_id", "route" or "header:<name>", got "cookie"',
    ]);
  });

  it('waf.compressedBodies: "refuse" or "inspect"', () => {
    const issues = issuesOf({ routes: [{ ...ROUTE, waf: { compressedBodies: 'decompress' } }] });
    assert.equal(issues.length, 1, issues.join('\n'));
    assert.match(issues[0]!, /^routes\[0\]\.waf\.compressedBodies: /);
    assert.equal(parseConfig(JSON.stringify({ routes: [{ ...ROUTE, waf: { compressedBodies: 'inspect' } }] }), 'gateway.json').routes[0]?.wafCompressedBodies, 'inspect');
  });

  it('slow-client settings: clientBodyMs, bodyBufferBytes and connectionsPerClient (at most connections, a quarter of them by default)', () => {
    const parse = (route: Record<string, unknown>) => parseConfig(JSON.stringify({ routes: [{ ...ROUTE, ...route }] }), 'gateway.json').routes[0]!;
    assert.equal(parse({ connections: 6 }).connectionsPerClient, 2);
    assert.equal(parse({ connections: 1 }).connectionsPerClient, 1);
    const set = parse({ connections: 8, connectionsPerClient: 8, bodyBufferBytes: 0, timeout: { clientBodyMs: 250 } });
    assert.deepEqual([set.connectionsPerClient, set.bodyBufferBytes, set.clientBodyTimeoutMs], [8, 0, 250]);
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, connections: 4, connectionsPerClient: 5 }] }), [
      'routes[0].connectionsPerClient: must be at most connections (4), got 5',
    ]);
    const issues = issuesOf({ routes: [{ ...ROUTE, connectionsPerClient: 0, bodyBufferBytes: -1, timeout: { clientBodyMs: 0 } }] });
    assert.deepEqual(issues.map((issue) => issue.split(':')[0]).sort(), ['routes[0].bodyBufferBytes', 'routes[0].connectionsPerClient', 'routes[0].timeout.clientBodyMs']);
  });

  it('missingKey: one of three values, and only on header keys', () => {
    const limit = { type: 'quota', limit: 10, window: '1h' };
    assert.deepEqual(issuesOf({ routes: [{ ...ROUTE, limits: [{ ...limit, key: 'header:x-api-key', missingKey: 'ignore' }] }] }), [
      'routes[0].limits[0].missingKey: expected one of "ip", "shared", "skip", got "ignore"',
    ]);
    assert.deepEqual(
      issuesOf({
        routes: [
          {
            ...ROUTE,
            auth: { issuer: 'http://127.0.0.1:5001', audience: 'runnerly.io' },
            limits: [
              { ...limit, key: 'header:x-api-key', missingKey: 'shared' },
              { ...limit, key: 'ip', missingKey: 'skip' },
              { ...limit, key: 'sub', missingKey: 'shared' },
              { ...limit, key: 'route', missingKey: 'ip' },
              { ...limit, key: 'header:x-api-key', missingKey: 'skip', name: 'fine' },
            ],
          },
        ],
      }),
      [
        'routes[0].limits[1].missingKey: only "header:<name>" keys can be missing, but the key is "ip"',
        'routes[0].limits[2].missingKey: only "header:<name>" keys can be missing, but the key is "sub"',
        'routes[0].limits[3].missingKey: only "header:<name>" keys can be missing, but the key is "route"',
      ],
    );
    const config = parseConfig(
      JSON.stringify({ routes: [{ ...ROUTE, limits: [{ ...limit, key: 'header:X-Key', missingKey: 'skip' }, { ...limit, key: 'header:X-Key', missingKey: 'shared' }] }] }),
      'gateway.json',
    );
    assert.deepEqual(
      config.routes[0]!.limits.map((entry) => entry.key),
      [
        { source: 'header', name: 'x-key', missing: 'skip' },
        { source: 'header', name: 'x-key', missing: 'shared' },
      ],
    );
  });

  it('case-insensitive routes may not capture what another route guards', () => {
    const route = (prefix: string, caseInsensitive?: boolean) => ({ ...ROUTE, prefix, ...(caseInsensitive === undefined ? {} : { caseInsensitive }) });
    assert.deepEqual(
      issuesOf({
        routes: [
          route('/api/', true),
          route('/api/admin/'),
          route('/API/'),
          route('/Api/V2/', true),
          route('/_Gateway/x', true),
          route('/files/', 'yes' as unknown as boolean),
        ],
      }),
      [
        'routes[5].caseInsensitive: expected true or false, got "yes"',
      ],
    );
    assert.deepEqual(
      issuesOf({ routes: [route('/api/', true), route('/api/admin/'), route('/API/'), route('/Api/V2/', true), route('/_Gateway/x', true), route('/Docs/'), route('/docs/', true)] }),
      [
        'routes[1].caseInsensitive: must be true, because "/api/admin/" is inside the case-insensitive routes[0] "/api/" (another case of the path would reach that route instead)',
        'routes[2].prefix: "/API/" is, ignoring case, the same as routes[0].prefix "/api/", and routes[0] is case-insensitive',
        'routes[4].prefix: "/_Gateway/x" is, ignoring case, inside adminPrefix "/_gateway/", which the gateway answers itself',
        'routes[6].prefix: "/docs/" is, ignoring case, the same as routes[5].prefix "/Docs/", and routes[6] is case-insensitive',
      ],
    );
    // Nested case-insensitive routes, and a case-sensitive parent of a case-insensitive one, are fine.
    const config = parseConfig(JSON.stringify({ routes: [route('/api/', true), route('/api/admin/', true), route('/'), route('/Shop/cart/', true)] }), 'gateway.json');
    assert.deepEqual(
      config.routes.map((entry) => [entry.prefix, entry.caseInsensitive]),
      [
        ['/api/', true],
        ['/api/admin/', true],
        ['/', false],
        ['/Shop/cart/', true],
      ],
    );
  });

  it('checks a schema cannot express', () => {
    assert.deepEqual(
      issuesOf({
        trustedProxies: ['10.0.0.0/33'],
        ipRules: { deny: ['not-an-address'] },
        routes: [ROUTE, { ...ROUTE, upstream: ['http://127.0.0.1:5002/base', 'ftp://127.0.0.1'] }, { ...ROUTE, prefix: '/_gateway/x' }],
      }),
      [
        'trustedProxies[0]: expected an IPv4 or IPv6 address or CIDR block, got "10.0.0.0/33"',
        'ipRules.deny[0]: expected an IPv4 or IPv6 address or CIDR block, got "not-an-address"',
        'routes[1].prefix: "/api/" is already used by routes[0]',
        'routes[1].upstream[0]: expected an origin without path, query or credentials (the request path is forwarded as is), got "http://127.0.0.1:5002/base"',
        'routes[1].upstream[1]: expected an http:// or https:// URL, got "ftp://127.0.0.1"',
        'routes[2].prefix: "/_gateway/x" is inside adminPrefix "/_gateway/", which the gateway answers itself',
      ],
    );
  });

  it('at least one route', () => {
    assert.deepEqual(issuesOf({}), ['routes: required key is missing']);
    assert.deepEqual(issuesOf({ routes: [] }), ['routes: expected at least 1 item(s)']);
  });

  it('the error message joins the issues after the source', () => {
    assert.throws(() => parseConfig('{"routes": [], "listen": {"port": 70000}}', 'gw.json'), {
      message: 'invalid configuration in gw.json: listen.port: must be at most 65535, got 70000; routes: expected at least 1 item(s)',
    });
  });
});
