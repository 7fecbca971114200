// CPU pinning with taskset: the server under test gets core 0 to itself and the load generator
// (this process) core 1, so the two never compete for a core and runs are comparable.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

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

/** Moves this process to the load-generator core; returns whether it did. */
export function pinThisProcessToLoadGeneratorCore(): boolean {
  if (!tasksetAvailable() || availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-a', '-cp', String(LOAD_GENERATOR_CORE), String(process.pid)], { stdio: 'ignore' }).status === 0;
}
