// `npm start` / `runnerly`: plans the system, starts every process under the supervisor, waits
// until each is ready, then prints the gateway URL (and the demo runner's sign-in). Ctrl-C or
// SIGTERM stops them all.
import { performance } from 'node:perf_hooks';
import { ConfigError, resolveOptions } from '@runnerly/service-config';
import { formatLogLine } from './log-lines.js';
import { waitUntilReady } from './readiness.js';
import { Supervisor } from './supervisor.js';
import { planSystem } from './system.js';
import { SYSTEM_OPTIONS } from './system-config.js';

/** Signals this close together are one request to stop. */
const SAME_SIGNAL_MS = 1000;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const started = performance.now();
  const config = resolveOptions(SYSTEM_OPTIONS);
  const system = await planSystem(config, (line) => say(`runnerly: ${line}`));
  const width = Math.max(...system.processes.map((spec) => spec.name.length));
  const supervisor = new Supervisor({
    line: (service, _stream, text) => say(formatLogLine(service, text, width)),
    notice: (service, text) => say(`${'runnerly'.padEnd(width)} ${service}: ${text}`),
  });
  let stopping = false;
  let stoppingSince = 0;
  const stop = (signal: string): void => {
    if (stopping) {
      // Ctrl-C reaches the launcher twice: from the terminal and forwarded by npm. A later signal forces.
      if (performance.now() - stoppingSince > SAME_SIGNAL_MS) {
        say(`runnerly: ${signal} again: killing every service`);
        supervisor.kill();
        process.exit(1);
      }
      return;
    }
    stopping = true;
    stoppingSince = performance.now();
    say(`runnerly: ${signal}: stopping every service`);
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // TokenDealer first (the others fetch its keys as they start), the gateway last (its upstreams ready).
  const byName = (name: string) => system.processes.filter((spec) => spec.name === name);
  const services = system.processes.filter((spec) => spec.name !== 'tokendealer' && spec.name !== 'gateway');
  for (const group of [byName('tokendealer'), services, byName('gateway')]) {
    for (const spec of group) supervisor.start(spec);
    const ready = await Promise.all(group.map(async (spec) => ({ spec, ok: await waitUntilReady(spec.readyUrl, 60_000, () => stopping) })));
    for (const { spec, ok } of ready) if (!ok && !stopping) say(`runnerly: ${spec.name} is not ready after 60 s (see its log lines)`);
  }
  if (stopping) return;
  if (system.afterStart) {
    try {
      const athlete = await system.afterStart();
      if (athlete) say(`runnerly: the demo runner is linked to the sandbox athlete ${athlete}; its runs are being imported`);
    } catch (error) {
      say(`runnerly: linking the demo runner to the Strava sandbox failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  say('');
  say(`Runnerly is running at ${system.gatewayUrl}  (ready in ${seconds} s; Ctrl-C stops it)`);
  if (system.demo) say(`Demo runner: ${system.demo.email} / ${system.demo.password}`);
  say('');
}

main().catch((error: unknown) => {
  process.stderr.write(`runnerly: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
