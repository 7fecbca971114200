// The launcher killed with SIGKILL (or crashing) cannot stop its services: each must stop by itself
// once its IPC channel to the launcher closes, freeing its port for the next `npm start`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeSystemPorts, systemEnv } from './helpers/system-env.js';
import { childrenOf, portIsFree, running, watchOutput } from './helpers/processes.js';

const LAUNCHER = fileURLToPath(new URL('../../bin/runnerly.js', import.meta.url));

test('every service stops by itself and frees its port once the launcher is killed with SIGKILL', { skip: process.platform !== 'linux' && 'reads /proc', timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'runnerly-killed-'));
  const ports = await freeSystemPorts();
  const env = systemEnv(ports, dataDir);
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name];
  const launcher = spawn(process.execPath, [LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = watchOutput(launcher);
  let services: number[] = [];
  try {
    await output.waitFor('Runnerly is running at ', 180_000);
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
