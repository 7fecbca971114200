// The launcher killed with SIGKILL (or crashing) cannot stop its services: each must stop by itself
// once its IPC channel to the launcher closes, freeing its port for the next `npm start`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeSystemPorts, systemEnv } from './helpers/system-env.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/runnerly.js', import.meta.url));

/** `/proc/PID/stat`: "pid (comm) state ppid ...", comm possibly holding spaces or parentheses. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

const childrenOf = (parent: number): number[] =>
  readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => stat(pid)?.ppid === parent);

/** Gone, or a zombie waiting for a reaper: either way no longer running. */
const running = (pid: number): boolean => {
  const state = stat(pid)?.state;
  return state !== undefined && state !== 'Z';
};

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

test('every service stops by itself and frees its port once the launcher is killed with SIGKILL', { skip: process.platform !== 'linux' && 'reads /proc', timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnerly-killed-'));
  const ports = await freeSystemPorts();
  const env = systemEnv(ports, dataDir);
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name];
  const launcher = spawn(process.execPath, [LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let services: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the system did not start in 180 s:\n${output.slice(-4000)}`)), 180_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Runnerly is running at ')) {
          clearTimeout(timer);
          resolve();
        }
      };
      launcher.stdout.on('data', onData);
      launcher.stderr.on('data', onData);
      launcher.once('exit', (code) => reject(new Error(`the launcher exited (${code}):\n${output.slice(-4000)}`)));
    });
    services = childrenOf(launcher.pid!);
    assert.equal(services.length, Object.keys(ports).length, 'one process per service');
    for (const port of Object.values(ports)) assert.equal(await portIsFree(port), false, `port ${port} is taken while the system runs`);

    const killed = new Promise((resolve) => launcher.once('exit', resolve));
    launcher.kill('SIGKILL');
    await killed;
    const deadline = Date.now() + 15_000;
    while (services.some(running) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(services.filter(running), [], 'no service outlives the launcher by 15 s');
    for (const port of Object.values(ports)) assert.equal(await portIsFree(port), true, `port ${port} is free again`);
  } finally {
    if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
    // Whatever a failure left running.
    for (const pid of services.filter(running)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
