// Registers clients and users through TokenDealer's own command line, as an operator would: the
// launcher never touches TokenDealer's tables.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class TokenDealerCli {
  readonly #bin: string;
  readonly #env: Record<string, string>;

  constructor(bin: string, env: Record<string, string>) {
    this.#bin = bin;
    this.#env = env;
  }

  async json<T>(args: string[]): Promise<T> {
    try {
      const { stdout } = await run(process.execPath, [this.#bin, ...args], { env: { ...process.env, ...this.#env }, maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout) as T;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      // The command line is never shown: it may hold a password.
      throw new Error(`tokendealer ${args.slice(0, 2).join(' ')} failed${stderr ? `: ${stderr.split('\n').pop()}` : ''}`);
    }
  }
}
