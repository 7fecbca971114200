import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, databaseUrl, defineOptions, describeConfig, integer, ipRanges, optionsTable, resolveOptions, secret } from '../src/index.js';

const table = defineOptions({
  port: { env: 'SVC_PORT', flag: '--port <port>', default: 5002, parse: integer(0, 65535), description: 'port' },
  db: { env: 'SVC_DB', default: 'sqlite:./data/svc.sqlite', parse: databaseUrl, description: 'database' },
  key: { env: 'SVC_KEY', default: undefined as string | undefined, parse: secret(32), secret: true, description: 'key' },
  allow: { env: 'SVC_ALLOW', default: ['127.0.0.0/8'] as string[], parse: ipRanges, description: 'allowed' },
});

test('defaults, then the environment, then flags', () => {
  assert.deepEqual(resolveOptions(table, {}), { port: 5002, db: 'sqlite:./data/svc.sqlite', key: undefined, allow: ['127.0.0.0/8'] });
  const config = resolveOptions(table, { SVC_PORT: '6000', SVC_KEY: 'k'.repeat(32) }, { port: '7000' });
  assert.equal(config.port, 7000);
  assert.equal(config.key, 'k'.repeat(32));
});

test('the resolved type of an option is its parser\'s, not its default\'s literal', () => {
  const config = resolveOptions(table, {});
  // Compiles only if port is number (not the literal 5002).
  const changed: typeof config = { ...config, port: 6000 };
  assert.equal(changed.port, 6000);
});

test('an invalid value names its variable and what was expected', () => {
  assert.throws(() => resolveOptions(table, { SVC_PORT: '70000' }), (error: unknown) => error instanceof ConfigError && error.message === 'SVC_PORT must be between 0 and 65535, got 70000');
  assert.throws(() => resolveOptions(table, { SVC_DB: 'mysql://x' }), /SVC_DB must be sqlite:PATH or postgres:/);
  assert.throws(() => resolveOptions(table, { SVC_ALLOW: '0.0.0.0/0' }), /SVC_ALLOW must be a comma-separated list/);
});

test('a short secret is refused without echoing it', () => {
  assert.throws(() => resolveOptions(table, { SVC_KEY: 'hunter2' }), (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2'));
});

test('secrets are masked in the configuration dump and listed in the README table', () => {
  const config = resolveOptions(table, { SVC_KEY: 'k'.repeat(40) });
  assert.equal(describeConfig(table, config).key, '(set)');
  assert.match(optionsTable(table), /\| `SVC_PORT` \| `--port` \| `5002` \| port \|/);
});
