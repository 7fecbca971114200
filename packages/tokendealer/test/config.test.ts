import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG, OPTIONS, effectiveIssuer, resolveConfig } from '../src/config/options.js';

describe('configuration', () => {
  it('uses defaults, overridden by the environment, overridden by flags', () => {
    assert.equal(resolveConfig({}, {}).port, 5001);
    assert.equal(resolveConfig({}, { TOKENDEALER_PORT: '6000' }).port, 6000);
    assert.equal(resolveConfig({ port: '7000' }, { TOKENDEALER_PORT: '6000' }).port, 7000);
    assert.equal(DEFAULT_CONFIG.signingAlg, 'ES256');
    assert.equal(DEFAULT_CONFIG.accessTokenTtl, 900);
    assert.ok(DEFAULT_CONFIG.authFailureLimit < 100);
  });

  it('refuses invalid values naming the flag or variable', () => {
    assert.throws(() => resolveConfig({ port: '70000' }, {}), (error: Error) => error instanceof ConfigError && /--port must be between 0 and 65535/.test(error.message));
    assert.throws(() => resolveConfig({}, { TOKENDEALER_ACCESS_TOKEN_TTL: '5' }), /TOKENDEALER_ACCESS_TOKEN_TTL must be between 30 and 86400/);
    assert.throws(() => resolveConfig({ issuer: 'https://a.example/?x=1' }, {}), /--issuer must be an http\(s\) URL without query/);
    assert.throws(() => resolveConfig({ masterSecret: 'short' }, {}), /--master-secret must be at least 32 characters/);
    assert.throws(() => resolveConfig({ issuer: 'https://runnerly.io/auth' }, {}), /--issuer must not have a path/);
    assert.throws(() => resolveConfig({ logLevel: 'loud' }, {}), /log level must be one of/);
    assert.throws(() => resolveConfig({}, { TOKENDEALER_TRUST_PROXY: '10.0.0.0/8, evil host' }), /TOKENDEALER_TRUST_PROXY must be a comma-separated list/);
    assert.throws(() => resolveConfig({}, { TOKENDEALER_TRUST_PROXY: '999.1.1.1' }), /TOKENDEALER_TRUST_PROXY must be a comma-separated list .* got "999.1.1.1"/);
    assert.deepEqual(resolveConfig({}, { TOKENDEALER_TRUST_PROXY: '10.0.0.0/8, ::1, 192.0.2.7' }).trustProxy, ['10.0.0.0/8', '::1', '192.0.2.7']);
    for (const [option, env] of [['adminToken', 'TOKENDEALER_ADMIN_TOKEN'], ['metricsToken', 'TOKENDEALER_METRICS_TOKEN']] as const) {
      assert.throws(() => resolveConfig({}, { [env]: 'a token with spaces that is long enough' }), new RegExp(`${env} must be at most 512 printable ASCII characters`));
      assert.throws(() => resolveConfig({ [option]: 'x'.repeat(513) }, {}), /must be at most 512 printable ASCII characters/);
      assert.equal(resolveConfig({}, { [env]: 'x'.repeat(512) })[option], 'x'.repeat(512));
    }
    assert.deepEqual(resolveConfig({ trustProxy: '10.0.0.0/8, 127.0.0.1' }, {}).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
  });

  it('derives the issuer from the listening address unless configured', () => {
    assert.equal(effectiveIssuer(resolveConfig({}, {}), 5001), 'http://127.0.0.1:5001');
    assert.equal(effectiveIssuer(resolveConfig({ host: '::1' }, {}), 5001), 'http://[::1]:5001');
    assert.equal(effectiveIssuer(resolveConfig({ issuer: 'https://auth.runnerly.io/' }, {}), 5001), 'https://auth.runnerly.io');
  });

  it('is documented in the README: every flag and variable with its default', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const option of OPTIONS) {
      const row = readme.split('\n').find((line) => line.includes(`\`${option.env}\``));
      assert.ok(row, `${option.env} is documented`);
      assert.ok(row.includes(`\`${option.flag.split(' ')[0]}\``), `${option.env} row names its flag`);
      const fallback = option.default === undefined || (Array.isArray(option.default) && option.default.length === 0) ? '(none)' : `\`${String(option.default)}\``;
      assert.ok(row.includes(fallback), `${option.env} row shows its default`);
    }
  });
});

describe('configuration from files (mounted secrets)', () => {
  it('reads NAME_FILE when NAME is unset, refuses both, and names an unreadable file without its content', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'tokendealer-config-'));
    try {
      writeFileSync(join(dir, 'master'), `${'m'.repeat(40)}\n`);
      assert.equal(resolveConfig({}, { TOKENDEALER_MASTER_SECRET_FILE: join(dir, 'master') }).masterSecret, 'm'.repeat(40));
      assert.throws(
        () => resolveConfig({}, { TOKENDEALER_MASTER_SECRET: 'm'.repeat(40), TOKENDEALER_MASTER_SECRET_FILE: join(dir, 'master') }),
        (error: unknown) => error instanceof ConfigError && error.message === 'set TOKENDEALER_MASTER_SECRET or TOKENDEALER_MASTER_SECRET_FILE, not both',
      );
      assert.throws(
        () => resolveConfig({}, { TOKENDEALER_DB_FILE: join(dir, 'missing') }),
        (error: unknown) => error instanceof ConfigError && error.message === 'TOKENDEALER_DB_FILE names a file that cannot be read (ENOENT)',
      );
      assert.equal(resolveConfig({}, { STOP_DEADLINE_MS: '3000' }).stopDeadlineMs, 3000);
      assert.throws(() => resolveConfig({}, { STOP_DEADLINE_MS: '50' }), /STOP_DEADLINE_MS must be between 100 and 600000/);
      assert.equal(resolveConfig({}, {}).schemaWaitMs, 0);
      assert.equal(resolveConfig({}, { SCHEMA_WAIT_MS: '300000' }).schemaWaitMs, 300_000);
      assert.equal(resolveConfig({ schemaWaitMs: '1500' }, { SCHEMA_WAIT_MS: '300000' }).schemaWaitMs, 1500);
      writeFileSync(join(dir, 'wait'), '60000\n');
      assert.equal(resolveConfig({}, { SCHEMA_WAIT_MS_FILE: join(dir, 'wait') }).schemaWaitMs, 60_000);
      assert.throws(() => resolveConfig({}, { SCHEMA_WAIT_MS: '3600001' }), (error: unknown) => error instanceof ConfigError && error.message === 'SCHEMA_WAIT_MS must be between 0 and 3600000, got 3600001');
      assert.throws(() => resolveConfig({ schemaWaitMs: 'soon' }, {}), (error: unknown) => error instanceof ConfigError && error.message === '--schema-wait-ms must be an integer, got "soon"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
