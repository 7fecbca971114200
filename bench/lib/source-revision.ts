// Which code was measured: the packages change often, so a number without its commit is hard to use.
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

export interface SourceRevision {
  commit: string | undefined;
  /** Uncommitted changes under packages/ or bench/ were part of the measured code. */
  uncommittedChanges: boolean | undefined;
}

export function sourceRevision(): SourceRevision {
  const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  try {
    return { commit: git(['rev-parse', '--short', 'HEAD']), uncommittedChanges: git(['status', '--porcelain', '--', 'packages', 'bench']) !== '' };
  } catch {
    // Not a git checkout (e.g. a release tarball): the report says so instead of failing.
    return { commit: undefined, uncommittedChanges: undefined };
  }
}
