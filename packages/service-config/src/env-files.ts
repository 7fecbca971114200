// Secrets from files: NAME_FILE names a file whose content is NAME's value (Docker and Kubernetes
// secrets are mounted as files, so no secret needs to sit in the environment).
import { readFileSync } from 'node:fs';
import { ConfigError } from './parsers.js';

/**
 * The raw value of `name`: the variable itself, or the content of the file `${name}_FILE` names
 * (one trailing newline dropped). Both set is an error: it is unclear which one is meant.
 */
export function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return direct;
  if (direct !== undefined) throw new ConfigError(`set ${name} or ${name}_FILE, not both`);
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name}_FILE names a file that cannot be read (${code})`);
  }
  return content.replace(/\r?\n$/, '');
}
