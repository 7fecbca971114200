import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../src/supervisor.js';
import { formatLogLine } from '../src/log-lines.js';

const until = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('a process that exits is restarted and logged; stop ends every process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
  const crasher = join(dir, 'crasher.mjs');
  writeFileSync(crasher, "console.log(JSON.stringify({ level: 30, time: Date.now(), msg: 'up' })); setTimeout(() => process.exit(3), 50);");
  const steady = join(dir, 'steady.mjs');
  writeFileSync(steady, "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); setInterval(() => {}, 1000); console.log('ready');");
  const lines: string[] = [];
  const notices: string[] = [];
  const supervisor = new Supervisor({ line: (service, _stream, text) => lines.push(`${service}:${text}`), notice: (service, text) => notices.push(`${service}:${text}`) });
  supervisor.start({ name: 'crasher', command: process.execPath, args: [crasher], env: {} });
  supervisor.start({ name: 'steady', command: process.execPath, args: [steady], env: {} });
  await until(() => lines.filter((line) => line.startsWith('crasher:')).length >= 2);
  assert.equal(notices[0], 'crasher:exited (code 3); restarting in 1 s');
  await until(() => lines.includes('steady:ready'));
  await supervisor.stop(2000);
  assert.ok(lines.includes('steady:bye'), 'the steady process got SIGTERM and exited by itself');
  assert.deepEqual(supervisor.status().map((entry) => entry.pid), [undefined, undefined]);
});

const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');";

/** One process running `source` under a new supervisor, once it has printed "ready"; the supervisor's notices as `name:text`. */
async function superviseOne(name: string, source: string): Promise<{ supervisor: Supervisor; notices: string[] }> {
  const script = join(mkdtempSync(join(tmpdir(), 'supervisor-')), `${name}.mjs`);
  writeFileSync(script, source);
  const notices: string[] = [];
  const lines: string[] = [];
  const supervisor = new Supervisor({ line: (_service, _stream, text) => lines.push(text), notice: (service, text) => notices.push(`${service}:${text}`) });
  supervisor.start({ name, command: process.execPath, args: [script], env: {} });
  await until(() => lines.includes('ready'));
  return { supervisor, notices };
}

test('a process that ignores SIGTERM is killed after the grace period', async () => {
  const { supervisor, notices } = await superviseOne('stubborn', IGNORES_SIGTERM);
  await supervisor.stop(300);
  assert.deepEqual(notices, ['stubborn:still running after 0.3 s; killing', 'stubborn:exited (SIGKILL) while stopping']);
});

test('kill() ends every process at once, one that ignores SIGTERM too, and restarts none', async () => {
  const { supervisor, notices } = await superviseOne('stubborn', IGNORES_SIGTERM);
  supervisor.kill();
  await until(() => supervisor.status()[0]!.pid === undefined, 2000);
  assert.deepEqual(notices, ['stubborn:exited (SIGKILL) while stopping']);
});

test('a process that fails to stop cleanly is named; each runs in its own process group', async () => {
  const { supervisor, notices } = await superviseOne('failing', "process.on('SIGTERM', () => process.exit(2)); setInterval(() => {}, 1000); console.log('ready');");
  const pid = supervisor.status()[0]!.pid!;
  // Signalling the group of the child's pid works only when the child leads a group of its own.
  process.kill(-pid, 0);
  await supervisor.stop(2000);
  assert.deepEqual(notices, ['failing:exited (code 2) while stopping']);
});

test('log lines name their service, with level and message', () => {
  const line = formatLogLine('dataservice', JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 0), msg: 'slow', service: 'dataservice', route: '/x' }), 12);
  assert.equal(line, '12:00:00.000 dataservice  warn  slow {"route":"/x"}');
  assert.equal(formatLogLine('gateway', 'plain text', 8), 'gateway  | plain text');
});
