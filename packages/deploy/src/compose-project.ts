// One run of deploy/compose.yaml under its own project name (its own containers, network and
// volumes), driven through docker-compose, as an operator would.
import { runCommand, type CommandResult } from './commands.js';

export interface ServiceState {
  service: string;
  state: string;
  /** healthy, unhealthy, starting, or none for a container without a health check. */
  health: string;
  exitCode: number;
}

export class ComposeProject {
  constructor(
    readonly name: string,
    readonly composeFile: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private compose(args: readonly string[], timeoutMs = 600_000): Promise<CommandResult> {
    return runCommand('docker-compose', ['--project-name', this.name, '--file', this.composeFile, ...args], { env: this.env, timeoutMs });
  }

  /** Starts everything; Compose itself waits for each health and completion condition in order. */
  up(): Promise<CommandResult> {
    return this.compose(['up', '--detach', '--no-build'], 900_000);
  }

  /** Every container of the project with its state and health. */
  async states(): Promise<ServiceState[]> {
    const ids = (await this.compose(['ps', '--all', '--quiet'])).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    const format = '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}';
    const { stdout } = await runCommand('docker', ['inspect', '--format', format, ...ids]);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [service = '', state = '', health = '', exitCode = '0'] = line.split(' ');
        return { service, state, health, exitCode: Number(exitCode) };
      });
  }

  /** Waits until every long-running container is healthy (one-shot jobs exited 0). */
  async waitHealthy(timeoutMs: number): Promise<ServiceState[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await this.states();
      const pending = states.filter((s) => !(s.health === 'healthy' || (s.health === 'none' && s.state === 'exited' && s.exitCode === 0)));
      if (states.length > 0 && pending.length === 0) return states;
      if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs} ms: ${JSON.stringify(pending)}`);
      await new Promise((done) => setTimeout(done, 1000));
    }
  }

  /** A command's output inside a running service's container. */
  async exec(service: string, command: readonly string[]): Promise<string> {
    return (await this.compose(['exec', '-T', service, ...command])).stdout;
  }

  async logs(): Promise<string> {
    return (await this.compose(['logs', '--no-color', '--timestamps'])).stdout;
  }

  /** Stops and removes the containers, the network and the volumes. */
  down(): Promise<CommandResult> {
    return this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '20'], 300_000);
  }
}
