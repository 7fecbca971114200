// CPU pinning with taskset: the server under test gets core 0 to itself and the load generator
// (this process) core 1, so the two never compete for a core and runs are comparable.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

export const SERVER_CORE = 0;
export const LOAD_GENERATOR_CORE = 1;

let tasksetPresent: boolean | undefined;

export function tasksetAvailable(): boolean {
  tasksetPresent ??= spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  return tasksetPresent;
}

/** The command line that runs `command args` on `core`, or unpinned when taskset is missing. */
export function pinnedCommand(core: number, command: string, args: readonly string[]): { command: string; args: string[] } {
  if (!tasksetAvailable()) return { command, args: [...args] };
  // taskset execs the command, so the child's pid is the server's own pid (needed for /proc).
  return { command: 'taskset', args: ['-c', String(core), command, ...args] };
}

/** Moves a running process (all its threads) to `core`; returns whether it did. */
export function pinProcess(pid: number, core: number): boolean {
  // The machine's cores, not availableParallelism(): that counts this process's affinity, one core once pinned.
  if (!tasksetAvailable() || cpus().length < 2) return false;
  // -a walks the process's threads one by one: a thread that ends meanwhile fails the call, so try again.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (spawnSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' }).status === 0) return true;
  }
  return false;
}

/** Moves this process to the load-generator core; returns whether it did. */
export function pinThisProcessToLoadGeneratorCore(): boolean {
  return pinProcess(process.pid, LOAD_GENERATOR_CORE);
}
