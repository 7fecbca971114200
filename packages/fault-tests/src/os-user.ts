// PostgreSQL refuses to run as root: when the tests run as root, its commands run as the
// `postgres` account (runuser), and the folders it writes belong to that account.
import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';

const SERVER_USER = 'postgres';

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** The command and arguments that run `command` as the database server's account. */
export function asServerUser(command: string, args: string[]): [string, string[]] {
  return runningAsRoot() ? ['runuser', ['-u', SERVER_USER, '--', command, ...args]] : [command, args];
}

/** Gives `path` to the server's account (nothing to do when not root). */
export function giveToServerUser(path: string): void {
  if (!runningAsRoot()) return;
  const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
}
