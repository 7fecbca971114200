// Runs a command of the deployment (docker, docker-compose, the deploy/ scripts) and keeps its
// output, so a failure says what the command said.
import { spawn } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds the command took. */
  ms: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${command} exited with ${code}:\n${output.slice(-6000)}`);
    this.name = 'CommandError';
  }
}

export function runCommand(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const shown = [command, ...args].join(' ');
      if (code === 0) resolve({ stdout, stderr, ms: Date.now() - started });
      else reject(new CommandError(shown, code, `${stdout}${stderr}`));
    });
  });
}
