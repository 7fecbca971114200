// `npm start` stopped the two usual ways: Ctrl-C in its terminal, which sends SIGINT to the whole
// foreground process group (npm, the launcher and, were they in that group, every service), and
// SIGTERM to npm alone, as a process manager does. Either way each service must get exactly one
// signal, the launcher's SIGTERM, and stop gracefully (exit 0), and npm must return only once
// all have exited. A service that also got the terminal's SIGINT would count the SIGTERM as a
// second signal and exit 1 at once; a launcher left behind by npm would keep every port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeSystemPorts, systemEnv } from './helpers/system-env.js';
import { descendantsOf, portIsFree, running, watchOutput } from './helpers/processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const ways = [
  { name: 'Ctrl-C in the terminal', signal: 'SIGINT', toGroup: true },
  { name: 'SIGTERM to npm', signal: 'SIGTERM', toGroup: false },
] as const;

for (const way of ways) {
  test(`${way.name} stops every service of \`npm start\` gracefully, once, before npm returns`, { skip: process.platform !== 'linux' && 'reads /proc', timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnerly-stop-'));
    const ports = await freeSystemPorts();
    const env = systemEnv(ports, dataDir);
    for (const name of ['DATABASE_URL', 'REDIS_URL']) delete env[name];
    // Its own process group, as a terminal's foreground job.
    const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const output = watchOutput(npm);
    let processes: number[] = [];
    try {
      await output.waitFor('Runnerly is running at ', 180_000);
      processes = descendantsOf(npm.pid!);
      assert.ok(processes.length > Object.keys(ports).length, 'the launcher and one process per service');

      const exited = new Promise<string>((resolve) => npm.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
      process.kill(way.toGroup ? -npm.pid! : npm.pid!, way.signal);
      assert.equal(await exited, 'code 0', `npm start exits 0:\n${output.text().slice(-3000)}`);
      assert.deepEqual(processes.filter(running), [], 'no process outlives npm');
      const lines = output.text().split('\n');
      assert.deepEqual(lines.filter((line) => / while stopping$| killing$|stop deadline passed/.test(line)), [], 'every service exited 0 by itself, in time');
      assert.deepEqual(lines.filter((line) => line.includes('stopping every service')), [`runnerly: ${way.signal}: stopping every service`]);
      for (const port of Object.values(ports)) assert.equal(await portIsFree(port), true, `port ${port} is free again`);
    } finally {
      if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL');
      for (const pid of processes.filter(running)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
