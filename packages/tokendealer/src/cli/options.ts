import { Option, type Command } from 'commander';
import { OPTIONS, resolveConfig, type TokenDealerConfig } from '../config/options.js';

type ConfigKey = keyof TokenDealerConfig;

/** Adds configuration flags to a command, documented with their environment variable and default. */
export function addConfigOptions(command: Command, keys: readonly ConfigKey[]): Command {
  for (const option of OPTIONS) {
    if (!keys.includes(option.key)) continue;
    const fallback = Array.isArray(option.default) ? option.default.join(',') : option.default;
    const shown = ('secret' in option && option.secret) || fallback === undefined || fallback === '' ? '' : ` (default: ${fallback})`;
    command.addOption(new Option(option.flag, `${option.description}; env ${option.env}${shown}`));
  }
  return command;
}

/** Commander keeps flag values under camelCase names, which are the config keys. */
export function configFrom(flags: Record<string, unknown>): TokenDealerConfig {
  const raw: Partial<Record<ConfigKey, string>> = {};
  for (const option of OPTIONS) {
    const value = flags[option.key];
    if (typeof value === 'string') raw[option.key] = value;
  }
  return resolveConfig(raw);
}

export const STORAGE_OPTIONS: readonly ConfigKey[] = ['db', 'masterSecret'];
