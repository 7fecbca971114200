// What the launcher's process tests read of the processes it started: /proc (Linux only), ports,
// and the launcher's output until a line appears.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';

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

export const childrenOf = (parent: number): number[] =>
  readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => stat(pid)?.ppid === parent);

/** Every process below `root` (children, their children, ...). */
export function descendantsOf(root: number): number[] {
  const found: number[] = [];
  for (let next = [root]; next.length > 0; ) {
    next = next.flatMap(childrenOf);
    found.push(...next);
  }
  return found;
}

/** Gone, or a zombie waiting for a reaper: either way no longer running. */
export const running = (pid: number): boolean => {
  const state = stat(pid)?.state;
  return state !== undefined && state !== 'Z';
};

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Collects what `child` writes on stdout and stderr, and waits for a line containing `text`. */
export function watchOutput(child: ChildProcess): { text(): string; waitFor(text: string, timeoutMs: number): Promise<void> } {
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    text: () => output,
    waitFor: (text, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`"${text}" did not appear in ${timeoutMs / 1000} s:\n${output.slice(-4000)}`)), timeoutMs);
        const onExit = (code: number | null): void => finish(new Error(`the process exited (${code}) before "${text}":\n${output.slice(-4000)}`));
        const check = (): void => {
          if (output.includes(text)) finish();
        };
        function finish(error?: Error): void {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve();
        }
        waiters.add(check);
        child.once('exit', onExit);
        check();
      }),
  };
}
