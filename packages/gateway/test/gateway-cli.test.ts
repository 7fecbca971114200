// The runnerly-gateway command as a child process: --check, bad files, the URL line, SIGHUP
// reloads (valid and invalid files) and a graceful SIGTERM.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { send, sleep } from './gateway-support/client.js';
import { startUpstream, type TestUpstream } from './gateway-support/servers.js';

const BIN = fileURLToPath(new URL('../../bin/runnerly-gateway.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function yamlConfig(upstream: string, prefix: string, extra = ''): string {
  return ['listen: { host: 127.0.0.1, port: 0 }', 'routes:', `  - prefix: ${prefix}`, `    upstream: [${upstream}]`, extra].join('\n');
}

describe('runnerly-gateway command', () => {
  let dir: string;
  let upstream: TestUpstream;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-cli-'));
    // Requests to */slow are answered after 300 ms, so they are still running across a reload.
    upstream = await startUpstream((req, res) => setTimeout(() => res.end('ok'), req.url?.endsWith('/slow') ? 300 : 0));
  });
  after(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--check validates and exits', async () => {
    const path = join(dir, 'ok.yaml');
    await writeFile(path, yamlConfig(upstream.origin, '/api/'));
    const result = await run(['--config', path, '--check']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `configuration ${path} is valid: 1 route(s)\n`);
  });

  it('a bad file exits with status 2 and the message naming the key', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, yamlConfig(upstream.origin, '/api/', '    limits: [{ type: rate, rate: fast }]'));
    const result = await run(['--config', path, '--check']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `runnerly-gateway: invalid configuration in ${path}: routes[0].limits[0].rate: expected "<N>r/s" or "<N>r/m", got "fast"\n`);
  });

  it('serves, reloads on SIGHUP (keeping the old configuration when the new one is bad) and closes on SIGTERM', async () => {
    const path = join(dir, 'live.yaml');
    await writeFile(path, yamlConfig(upstream.origin, '/old/'));
    const child = spawn(process.execPath, [BIN, '--config', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const line = await firstLine(child);
      const match = /^runnerly-gateway listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(match, line);
      const url = match[1] as string;
      assert.equal((await send(`${url}/old/x`)).status, 200);
      assert.equal((await send(`${url}/new/x`)).status, 404);

      // A slow request in flight across the reload finishes normally.
      await writeFile(path, yamlConfig(upstream.origin, '/new/'));
      const inFlight = send(`${url}/old/slow`);
      await sleep(50);
      child.kill('SIGHUP');
      await waitFor(() => stderr.includes('configuration reloaded'));
      assert.equal((await send(`${url}/new/x`)).status, 200);
      assert.equal((await send(`${url}/old/x`)).status, 404);
      const finished = await inFlight;
      assert.deepEqual([finished.status, finished.body], [200, 'ok']);

      await writeFile(path, yamlConfig(upstream.origin, '/broken/', '    limtis: []'));
      child.kill('SIGHUP');
      await waitFor(() => stderr.includes('reload failed'));
      assert.match(stderr, /"issues":\["routes\[0\]\.limtis: unknown key"\]/);
      assert.equal((await send(`${url}/new/x`)).status, 200);

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a SIGHUP while it starts (waiting for Redis) is queued, not fatal', async () => {
    const path = join(dir, 'starting.yaml');
    const closedPort = await unusedPort();
    const store = `store: { type: redis, url: "redis://127.0.0.1:${closedPort}", onError: local }`;
    await writeFile(path, `${store}\n${yamlConfig(upstream.origin, '/old/')}`);
    const child = spawn(process.execPath, [BIN, '--config', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const line = firstLine(child);
      // The outage line comes from the store, after the signal handlers are in place; listen() then waits up to 3 s.
      await waitFor(() => stderr.includes('"component":"limit-store"'));
      await writeFile(path, `${store}\n${yamlConfig(upstream.origin, '/new/')}`);
      child.kill('SIGHUP');
      const url = /listening on (\S+)$/.exec(await line)?.[1] as string;
      await waitFor(() => stderr.includes('configuration reloaded'));
      assert.equal((await send(`${url}/new/x`)).status, 200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

/** A loopback port nothing listens on (taken, then freed). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no output within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}
