// Starts bare-token-server.js as a child process, pinned like TokenDealer.
import { startServerProcess, type ServerProcess } from './child-processes.js';
import { pinnedCommand, SERVER_CORE } from './cpu-pinning.js';
import { BARE_TOKEN_SERVER, REPO_ROOT } from './paths.js';
import { cleanEnvironment } from './tokendealer-process.js';

/** `nodeArgs` go to node itself (e.g. `--cpu-prof`). */
export function startBareTokenServer(nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, [...nodeArgs, BARE_TOKEN_SERVER]);
  return startServerProcess({
    name: 'bare token server',
    command,
    args,
    cwd: REPO_ROOT,
    env: cleanEnvironment(),
    readyLine: /^Bare token server listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 10_000,
  });
}
