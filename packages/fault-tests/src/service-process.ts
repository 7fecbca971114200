// One service as a real child process, as the launcher runs it: started from its package's bin with
// its environment, ready once its readiness URL answers 2xx, and killed the hard way (SIGKILL: no
// drain, no goodbye) or stopped politely. Its last log lines are kept for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onExit } from './cleanup-on-exit.js';

const PACKAGES_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** The path of a workspace package's bin script. */
export const binOf = (pkg: string, bin: string): string => join(PACKAGES_DIR, pkg, 'bin', bin);

const KEPT_LOG_LINES = 200;

export class ServiceProcess {
  readonly name: string;
  readonly #args: string[];
  readonly #env: Record<string, string>;
  readonly readyUrl: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  readonly #log: string[] = [];

  constructor(name: string, args: string[], env: Record<string, string>, readyUrl: string) {
    this.name = name;
    this.#args = args;
    this.#env = env;
    this.readyUrl = readyUrl;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Spawns the process and waits until its readiness URL answers 2xx. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.#child !== undefined) throw new Error(`${this.name} is already running`);
    const child = spawn(process.execPath, this.#args, { env: { ...process.env, ...this.#env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const forget = onExit(() => child.kill('SIGKILL'));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim() !== '') this.#log.push(line);
        if (this.#log.length > KEPT_LOG_LINES) this.#log.splice(0, this.#log.length - KEPT_LOG_LINES);
      });
    }
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        forget();
        if (this.#child === child) this.#child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child !== child) throw new Error(`${this.name} exited while starting:\n${this.logTail()}`);
      try {
        const response = await fetch(this.readyUrl, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  /** kill -9: the process ends at once, its connections cut mid-request. */
  async kill9(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  logTail(lines = 30): string {
    return this.#log.slice(-lines).join('\n');
  }
}
