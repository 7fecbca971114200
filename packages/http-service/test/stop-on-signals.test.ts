// stopOnSignals on real processes: a signal or the launcher's IPC channel closing stops the
// service gracefully; without a channel, signals behave as they always did.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./fixtures/stopping-main.js', import.meta.url));

interface Started {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function start(stopMs: number, stdio: StdioOptions): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, String(stopMs)], { stdio });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening: ${stderr}`)), 10_000);
    child.stdout!.on('data', () => {
      const match = /listening on (\d+)\n/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { child, port, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const stoppingLines = (stderr: string): Record<string, unknown>[] =>
  // Complete lines only: the last one may still be arriving.
  stderr.split('\n').slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'stopping');

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

test('the launcher closing the IPC channel stops the service as SIGTERM does', async () => {
  const service = await start(0, ['ignore', 'pipe', 'pipe', 'ipc']);
  service.child.disconnect();
  assert.equal(await service.exited, 0);
  assert.equal(service.stdout(), `listening on ${service.port}\nstopped\n`);
  assert.deepEqual(stoppingLines(service.stderr()).map((entry) => entry.reason), ['parent process gone']);
  assert.equal(await portIsFree(service.port), true);
});

test('a dead launcher (its pipes closed with the channel) still gets a graceful stop, status 0', async () => {
  const service = await start(0, ['ignore', 'pipe', 'pipe', 'ipc']);
  service.child.stdout!.destroy();
  service.child.stderr!.destroy();
  service.child.disconnect();
  assert.equal(await service.exited, 0);
  assert.equal(await portIsFree(service.port), true);
});

test('the channel closing while a SIGTERM stop runs does not cut it short', async () => {
  const service = await start(1500, ['ignore', 'pipe', 'pipe', 'ipc']);
  service.child.kill('SIGTERM');
  await until(() => stoppingLines(service.stderr()).length === 1);
  service.child.disconnect();
  assert.equal(await service.exited, 0);
  assert.equal(service.stdout(), `listening on ${service.port}\nstopped\n`);
  assert.deepEqual(stoppingLines(service.stderr()).map((entry) => entry.signal), ['SIGTERM']);
});

test('without an IPC channel: running until SIGTERM, then the same graceful stop; a second signal exits at once', async () => {
  const service = await start(0, ['ignore', 'pipe', 'pipe']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(service.child.exitCode, null, 'still running');
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0);
  assert.equal(service.stdout(), `listening on ${service.port}\nstopped\n`);
  assert.deepEqual(stoppingLines(service.stderr()).map((entry) => entry.signal), ['SIGTERM']);

  const slow = await start(2000, ['ignore', 'pipe', 'pipe']);
  slow.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  slow.child.kill('SIGINT');
  assert.equal(await slow.exited, 1);
});
