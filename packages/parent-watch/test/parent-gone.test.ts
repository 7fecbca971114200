import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WATCHER = fileURLToPath(new URL('./fixtures/watcher.js', import.meta.url));
const PARENT = fileURLToPath(new URL('./fixtures/parent.js', import.meta.url));

function start(args: string[], stdio: StdioOptions): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [WATCHER, ...args], { stdio });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Running, and not a zombie left for a reaper. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('a process with an IPC channel is told once its parent closes the channel', async () => {
  const watcher = start(['0', 'busy'], ['ignore', 'pipe', 'inherit', 'ipc']);
  await until(() => watcher.output() === 'watching\n');
  watcher.child.disconnect();
  assert.equal(await watcher.exited, 0);
  assert.equal(watcher.output(), 'watching\nparent gone\n');
});

test('a parent gone before the process starts watching is reported as soon as it watches', async () => {
  const watcher = start(['500', 'busy'], ['ignore', 'pipe', 'inherit', 'ipc']);
  watcher.child.disconnect();
  assert.equal(await watcher.exited, 0);
  assert.equal(watcher.output(), 'watching\nparent gone\n');
});

test('the channel does not keep a process with nothing else to do alive', async () => {
  const watcher = start(['0', 'idle'], ['ignore', 'pipe', 'inherit', 'ipc']);
  assert.equal(await watcher.exited, 0);
  assert.equal(watcher.output(), 'watching\n');
  assert.equal(watcher.child.connected, false);
});

test('without an IPC channel nothing changes: the process runs until it is signalled', async () => {
  const watcher = start(['0', 'busy'], ['ignore', 'pipe', 'inherit']);
  await until(() => watcher.output() === 'watching\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(watcher.child.exitCode, null, 'still running');
  watcher.child.kill('SIGTERM');
  await watcher.exited;
  assert.equal(watcher.child.signalCode, 'SIGTERM');
  assert.equal(watcher.output(), 'watching\n');
});

test('a parent killed with SIGKILL: its child is told and exits by itself', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'parent-watch-')), 'watcher.log');
  const parent = spawn(process.execPath, [PARENT, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(() => output.endsWith('\n') && existsSync(file) && readFileSync(file, 'utf8') === 'watching\n');
  const pid = Number(output.trim());
  assert.ok(running(pid));
  parent.kill('SIGKILL');
  await until(() => !running(pid), 10_000);
  assert.equal(readFileSync(file, 'utf8'), 'watching\nparent gone\n');
});
