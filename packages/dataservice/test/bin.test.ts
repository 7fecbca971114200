// The bin as operators run it: configuration from the environment, one URL line, and on SIGTERM a
// graceful stop (the server and the database closed, then exit status 0).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { TestTokenDealer } from '@runnerly/test-support';
import { sharedTokenDealer } from './support/harness.js';

const BIN = fileURLToPath(new URL('../../bin/runnerly-dataservice.js', import.meta.url));

describe('runnerly-dataservice', () => {
  let tokenDealer: TestTokenDealer;
  let dir: string;

  before(async () => {
    tokenDealer = await sharedTokenDealer();
    dir = mkdtempSync(join(tmpdir(), 'dataservice-bin-'));
  });
  after(async () => {
    await tokenDealer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its URL, serves, and stops on SIGTERM with status 0', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, DATASERVICE_PORT: '0', DATASERVICE_DB: `sqlite:${join(dir, 'bin.sqlite')}`, TOKENDEALER_ISSUER: tokenDealer.issuer, DATASERVICE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /^runnerly-dataservice listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    const token = tokenDealer.userToken({ sub: 'bin-runner', scopes: ['profile'], audience: 'http://127.0.0.1:8080/api' });
    assert.equal((await fetch(`${url}/api/data/users/me`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('refuses a bad configuration with one line naming the variable', async () => {
    const child = spawn(process.execPath, [BIN], { env: { ...process.env, DATASERVICE_PORT: '70000' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, /^runnerly-dataservice: DATASERVICE_PORT must be between 0 and 65535, got 70000\n$/);
  });
});
