// A service's configuration is one table of options: each names its key, environment variable,
// optional CLI flag, default, parser and description. The same table resolves the typed object,
// drives the CLI and prints the README's configuration table, so they cannot drift apart.
import { readEnv } from './env-files.js';
import type { Parser } from './parsers.js';

export interface Option<T> {
  env: string;
  /** CLI flag in commander syntax, e.g. "--port <port>". */
  flag?: string;
  default: T;
  parse: Parser<T>;
  description: string;
  /** Never printed: configuration dumps show "(set)". */
  secret?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each option keeps its own value type
export type OptionTable = Record<string, Option<any>>;
// Each value has its parser's type (a literal default would otherwise narrow it to that one value).
export type ConfigOf<Table extends OptionTable> = { [K in keyof Table]: ReturnType<Table[K]['parse']> };

/** Identity with inference: keeps each option's value type. */
export function defineOptions<const Table extends OptionTable>(table: Table): Table {
  return table;
}

/**
 * Defaults, overridden by the environment (NAME, or the file NAME_FILE names), overridden by flags
 * (raw strings keyed by option key).
 */
export function resolveOptions<Table extends OptionTable>(
  table: Table,
  env: NodeJS.ProcessEnv = process.env,
  flags: Partial<Record<keyof Table, string>> = {},
): ConfigOf<Table> {
  const config: Record<string, unknown> = {};
  const names = new Set(Object.values(table).map((option) => option.env));
  for (const [key, option] of Object.entries(table)) {
    config[key] = option.default;
    // An option whose NAME_FILE is itself an option of the table (the Strava key file) keeps its meaning.
    const fromEnv = names.has(`${option.env}_FILE`) ? env[option.env] : readEnv(env, option.env);
    if (fromEnv !== undefined) config[key] = option.parse(fromEnv, option.env);
    const fromFlag = flags[key];
    if (fromFlag !== undefined) config[key] = option.parse(fromFlag, option.flag?.split(' ')[0] ?? key);
  }
  return config as ConfigOf<Table>;
}

/** The Markdown table of a service's options, for its README. */
export function optionsTable(table: OptionTable): string {
  const rows = Object.values(table).map((option) => {
    const shown = option.default === undefined ? '(none)' : Array.isArray(option.default) ? option.default.join(',') || '(none)' : String(option.default);
    return `| \`${option.env}\` | ${option.flag ? `\`${option.flag.split(' ')[0]}\`` : ''} | \`${shown}\` | ${option.description} |`;
  });
  return ['| environment | flag | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The configuration with secrets masked, for a start-up log line. */
export function describeConfig<Table extends OptionTable>(table: Table, config: ConfigOf<Table>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table).map(([key, option]) => [key, option.secret && config[key] !== undefined ? '(set)' : config[key]]),
  );
}
