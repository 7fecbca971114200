// Runs each service as its own child process and keeps it running: a process that exits on its
// own is restarted after a backoff (1 s doubling to 30 s, back to 1 s once it has run a minute),
// and every restart is logged. stop() sends SIGTERM to all, then SIGKILL to any still running
// after the grace period. Each process gets an IPC channel (never used for messages): when the
// supervisor dies without stopping them (SIGKILL, a crash), the channel closes and each stops as
// on SIGTERM (@runnerly/parent-watch) instead of holding its port as an orphan. Each process is
// the leader of its own process group: a terminal's Ctrl-C reaches the launcher alone, which then
// sends one SIGTERM, rather than every service getting SIGINT and then SIGTERM (a second signal,
// which makes a service exit at once instead of stopping gracefully).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface SupervisorEvents {
  /** A line the process wrote, on stdout or stderr. */
  line(service: string, stream: 'stdout' | 'stderr', text: string): void;
  /** Something the supervisor itself has to say about a process. */
  notice(service: string, text: string): void;
}

const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

interface Supervised {
  spec: ProcessSpec;
  child: ChildProcess | undefined;
  backoffMs: number;
  startedAt: number;
  restartTimer: NodeJS.Timeout | undefined;
  exited: Promise<void>;
}

export class Supervisor {
  readonly #events: SupervisorEvents;
  readonly #processes = new Map<string, Supervised>();
  #stopping = false;

  constructor(events: SupervisorEvents) {
    this.#events = events;
  }

  start(spec: ProcessSpec): void {
    const entry: Supervised = { spec, child: undefined, backoffMs: INITIAL_BACKOFF_MS, startedAt: 0, restartTimer: undefined, exited: Promise.resolve() };
    this.#processes.set(spec.name, entry);
    this.#spawn(entry);
  }

  /** Names of the processes, with the pid of the running ones. */
  status(): { name: string; pid: number | undefined }[] {
    return [...this.#processes.values()].map((entry) => ({ name: entry.spec.name, pid: entry.child?.pid }));
  }

  #spawn(entry: Supervised): void {
    const { spec } = entry;
    const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
    entry.child = child;
    entry.startedAt = Date.now();
    // Both piped above, so never null.
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (text) => this.#events.line(spec.name, stream, text));
    }
    entry.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        entry.child = undefined;
        resolve();
        if (this.#stopping) {
          if (code !== 0) this.#events.notice(spec.name, `exited (${signal ?? `code ${code}`}) while stopping`);
          return;
        }
        if (Date.now() - entry.startedAt > STABLE_AFTER_MS) entry.backoffMs = INITIAL_BACKOFF_MS;
        this.#events.notice(spec.name, `exited (${signal ?? `code ${code}`}); restarting in ${entry.backoffMs / 1000} s`);
        entry.restartTimer = setTimeout(() => {
          entry.restartTimer = undefined;
          if (!this.#stopping) this.#spawn(entry);
        }, entry.backoffMs);
        entry.backoffMs = Math.min(entry.backoffMs * 2, MAX_BACKOFF_MS);
      });
    });
    child.once('error', (error) => this.#events.notice(spec.name, `could not start: ${error.message}`));
  }

  async stop(graceMs = 8000): Promise<void> {
    this.#stopping = true;
    const entries = [...this.#processes.values()];
    for (const entry of entries) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      entry.child?.kill('SIGTERM');
    }
    const killer = setTimeout(() => {
      for (const entry of entries) {
        if (entry.child) {
          this.#events.notice(entry.spec.name, `still running after ${graceMs / 1000} s; killing`);
          entry.child.kill('SIGKILL');
        }
      }
    }, graceMs);
    await Promise.all(entries.map((entry) => entry.exited));
    clearTimeout(killer);
  }

  /** SIGKILL to every running process at once (a forced stop: they are in process groups of their own, so no terminal signal reaches them). */
  kill(): void {
    this.#stopping = true;
    for (const entry of this.#processes.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      entry.child?.kill('SIGKILL');
    }
  }
}
