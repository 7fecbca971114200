// Reading the configuration file: JSON or YAML, chosen by extension (or by content when the
// extension says neither), then validated and resolved. Every problem is reported at once.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.js';
import { resolveConfig } from './resolve.js';
import { ConfigSchema, type RawConfig } from './schema.js';
import type { GatewayConfig } from './types.js';
import { validateAgainst } from './validate.js';

/** Reads, validates and resolves the file at `path`; throws ConfigError naming every bad key. */
export async function loadConfigFile(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`in ${path}`, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parseConfig(text, path);
}

/** Validates configuration text; `source` is a file name (its extension picks the syntax) used in messages. */
export function parseConfig(text: string, source = 'configuration'): GatewayConfig {
  const where = `in ${source}`;
  let document: unknown;
  try {
    document = parseDocument(text, extname(source).toLowerCase());
  } catch (error) {
    throw new ConfigError(where, [`not valid ${(error as { syntax?: string }).syntax ?? 'JSON or YAML'}: ${(error as Error).message.split('\n')[0]}`]);
  }
  return configFromObject(document, where);
}

/** Validates an already parsed document (e.g. built in code). */
export function configFromObject(document: unknown, where = 'object'): GatewayConfig {
  const { value, issues } = validateAgainst(ConfigSchema, document);
  if (issues.length > 0) throw new ConfigError(where, issues);
  const resolved = resolveConfig(value as RawConfig);
  if (resolved.config === undefined) throw new ConfigError(where, resolved.issues);
  return resolved.config;
}

function parseDocument(text: string, extension: string): unknown {
  const json = extension === '.json' || (extension !== '.yaml' && extension !== '.yml' && text.trimStart().startsWith('{'));
  try {
    // YAML 1.2 is a superset of JSON, but JSON.parse gives JSON files JSON's own error messages.
    return json ? JSON.parse(text) : parseYaml(text, { prettyErrors: false });
  } catch (error) {
    throw Object.assign(error as Error, { syntax: json ? 'JSON' : 'YAML' });
  }
}
