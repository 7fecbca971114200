// The system's generated secrets (OAuth client secrets, the master secret, encryption keys) kept in
// one file under the data folder, readable by its owner only, created once and never printed.
import { chmodSync, existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface ClientCredentials {
  client_id: string;
  client_secret?: string;
}

export interface Secrets {
  masterSecret: string;
  stravaTokenKey: string;
  dashboardSessionKey?: string;
  clients: Record<string, ClientCredentials>;
  demo?: { email: string; password: string; userId: string };
}

export class SecretsFile {
  readonly path: string;
  #secrets: Secrets;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.json');
    this.#secrets = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as Secrets)
      : { masterSecret: randomBytes(32).toString('base64url'), stravaTokenKey: randomBytes(32).toString('base64'), clients: {} };
    this.save();
  }

  /** A generated secret kept under `name`, created on first use. */
  generated(name: 'dashboardSessionKey'): string {
    const existing = this.#secrets[name];
    if (existing) return existing;
    const value = randomBytes(32).toString('base64');
    this.update((secrets) => {
      secrets[name] = value;
    });
    return value;
  }

  get secrets(): Readonly<Secrets> {
    return this.#secrets;
  }

  update(change: (secrets: Secrets) => void): void {
    change(this.#secrets);
    this.save();
  }

  private save(): void {
    // Written aside then renamed: a crash never leaves half a file.
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}
