// Whether this machine can run the compose test: a reachable Docker engine and docker-compose.
// Tests skip with the reason when not (.ci/run starts an engine so CI always runs them).
import { runCommand } from './commands.js';

/** The reason the compose test cannot run here, or false when it can. */
export async function containerEngineMissing(): Promise<string | false> {
  try {
    await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  } catch {
    return 'no Docker engine is reachable (start dockerd, or run .ci/run, which does)';
  }
  try {
    await runCommand('docker-compose', ['version', '--short'], { timeoutMs: 15_000 });
  } catch {
    return 'docker-compose is not installed (apt-get install docker-compose)';
  }
  return false;
}
