// Server child processes: started with a deadline for their "listening on URL" line, and always
// killed when the bench ends, fails or is interrupted, so no server outlives the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
const exitHooks: (() => void)[] = [];
let handlersInstalled = false;

/** Runs `hook` (synchronously) when the bench process exits for any reason. */
export function onBenchExit(hook: () => void): void {
  installExitHandlers();
  exitHooks.push(hook);
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const hook of exitHooks) {
      try {
        hook();
      } catch {
        // Cleanup is best effort; the exit must not fail because of it.
      }
    }
  });
  // Signals skip 'exit' unless we exit ourselves.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping servers`);
      process.exit(130);
    });
  }
}

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** The last lines the process wrote to stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartServerOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Matches the stdout line announcing the server; group 1 is its base URL. */
  readyLine?: RegExp;
  /** For servers that announce nothing (nginx): ready once a TCP connection to this base URL succeeds. */
  readyUrl?: string;
  timeoutMs: number;
}

const STDERR_TAIL_LINES = 20;

export function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  installExitHandlers();
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));

  const stderrLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > STDERR_TAIL_LINES) stderrLines.shift();
  });
  const stderrTail = () => stderrLines.join('\n');

  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      child.kill('SIGKILL');
      reject(new Error(`${options.name}: ${reason}${stderrLines.length > 0 ? `\n--- stderr ---\n${stderrTail()}` : ''}`));
    };
    const deadline = setTimeout(() => fail(`no "listening" line within ${options.timeoutMs} ms`), options.timeoutMs);
    child.once('error', (error) => fail(`cannot start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    const ready = (url: string) => {
      if (settled || child.pid === undefined) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ name: options.name, url, pid: child.pid, stderrTail, stop });
    };
    // Keep reading stdout after the ready line so the child never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = options.readyLine?.exec(line);
      if (match) ready(match[1]!);
    });
    if (options.readyUrl !== undefined) {
      const url = options.readyUrl;
      const probe = () => {
        if (settled) return;
        void acceptsConnections(url).then((accepted) => (accepted ? ready(url) : setTimeout(probe, 50)));
      };
      probe();
    }
  });
}

function acceptsConnections(baseUrl: string): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
