/** A configuration file that cannot be used; `issues` name each bad key path and what is wrong with it. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super(`invalid configuration ${source}: ${issues.join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
