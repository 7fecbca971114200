import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defineOptions, nonEmpty, readEnv, resolveOptions, schemaWaitMs, secret, stopDeadlineMs } from '../src/index.js';

const table = defineOptions({
  key: { env: 'SVC_KEY', default: undefined as string | undefined, parse: secret(32), secret: true, description: 'key' },
  keyFile: { env: 'SVC_OTHER', default: 'x', parse: nonEmpty, description: 'plain' },
});

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'service-config-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('NAME_FILE gives the content of the file as NAME, without its trailing newline', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'key'), `${'k'.repeat(40)}\n`);
    assert.equal(resolveOptions(table, { SVC_KEY_FILE: join(dir, 'key') }).key, 'k'.repeat(40));
    assert.equal(readEnv({ A_FILE: join(dir, 'key') }, 'A'), 'k'.repeat(40));
  });
});

test('the file content goes through the option\'s parser, which names the variable', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'short'), 'short\n');
    assert.throws(() => resolveOptions(table, { SVC_KEY_FILE: join(dir, 'short') }), (error: unknown) => error instanceof ConfigError && /^SVC_KEY /.test(error.message));
  });
});

test('NAME and NAME_FILE both set is an error; an empty NAME_FILE counts as unset', () => {
  assert.throws(() => resolveOptions(table, { SVC_KEY: 'k'.repeat(32), SVC_KEY_FILE: '/nonexistent' }), (error: unknown) => error instanceof ConfigError && error.message === 'set SVC_KEY or SVC_KEY_FILE, not both');
  assert.equal(resolveOptions(table, { SVC_KEY: 'k'.repeat(32), SVC_KEY_FILE: '' }).key, 'k'.repeat(32));
});

test('a NAME_FILE that cannot be read is a ConfigError that does not echo a secret', () => {
  assert.throws(() => readEnv({ A_FILE: '/nonexistent/secret' }, 'A'), (error: unknown) => error instanceof ConfigError && error.message === 'A_FILE names a file that cannot be read (ENOENT)');
});

test('an option whose NAME_FILE is itself an option keeps that meaning', () => {
  const withFileOption = defineOptions({
    key: { env: 'SVC_TOKEN_KEY', default: undefined as string | undefined, parse: nonEmpty, description: 'key' },
    keyFile: { env: 'SVC_TOKEN_KEY_FILE', default: './key', parse: nonEmpty, description: 'file the service manages' },
  });
  assert.deepEqual(resolveOptions(withFileOption, { SVC_TOKEN_KEY_FILE: '/nonexistent/key' }), { key: undefined, keyFile: '/nonexistent/key' });
});

test('STOP_DEADLINE_MS: default 10 s, a number of milliseconds, bounded', () => {
  assert.equal(stopDeadlineMs({}), 10_000);
  assert.equal(stopDeadlineMs({ STOP_DEADLINE_MS: '25000' }), 25_000);
  assert.throws(() => stopDeadlineMs({ STOP_DEADLINE_MS: '5' }), (error: unknown) => error instanceof ConfigError && error.message === 'STOP_DEADLINE_MS must be between 100 and 600000, got 5');
  assert.throws(() => stopDeadlineMs({ STOP_DEADLINE_MS: 'soon' }), /STOP_DEADLINE_MS must be an integer/);
});

test('SCHEMA_WAIT_MS: default 0 (refuse an out-of-date schema at once), a number of milliseconds up to an hour', () => {
  assert.equal(schemaWaitMs({}), 0);
  assert.equal(schemaWaitMs({ SCHEMA_WAIT_MS: '0' }), 0);
  assert.equal(schemaWaitMs({ SCHEMA_WAIT_MS: '300000' }), 300_000);
  assert.equal(schemaWaitMs({ SCHEMA_WAIT_MS: '3600000' }), 3_600_000);
  assert.throws(() => schemaWaitMs({ SCHEMA_WAIT_MS: '3600001' }), (error: unknown) => error instanceof ConfigError && error.message === 'SCHEMA_WAIT_MS must be between 0 and 3600000, got 3600001');
  assert.throws(() => schemaWaitMs({ SCHEMA_WAIT_MS: '5m' }), (error: unknown) => error instanceof ConfigError && error.message === 'SCHEMA_WAIT_MS must be an integer, got "5m"');
  assert.throws(() => schemaWaitMs({ SCHEMA_WAIT_MS: '-1' }), (error: unknown) => error instanceof ConfigError && error.message === 'SCHEMA_WAIT_MS must be an integer, got "-1"');
  withDir((dir) => {
    writeFileSync(join(dir, 'wait'), '120000\n');
    assert.equal(schemaWaitMs({ SCHEMA_WAIT_MS_FILE: join(dir, 'wait') }), 120_000);
  });
});
