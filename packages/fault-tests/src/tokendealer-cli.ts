// TokenDealer's own command line, as an operator (and the launcher) provisions clients and users.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { binOf } from './service-process.js';

const run = promisify(execFile);

export async function tokenDealerCli<T>(env: Record<string, string>, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [binOf('tokendealer', 'tokendealer.js'), ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}
