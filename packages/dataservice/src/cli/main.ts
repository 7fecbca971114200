// runnerly-dataservice: starts the data service (options from the environment, overridden by
// flags), prints its URL on stdout and stops gracefully on SIGTERM or SIGINT.
import { Command } from 'commander';
import { ConfigError, describeConfig, optionsTable } from '@runnerly/service-config';
import { createServiceLogger, stopOnSignals } from '@runnerly/http-service';
import { dataServiceOptions, resolveDataServiceConfig, type DataServiceConfig } from '../config/options.js';
import { startDataService } from '../server.js';

const program = new Command('runnerly-dataservice').description("Runnerly's data service: runner profiles, runs and races");
for (const [key, option] of Object.entries(dataServiceOptions)) {
  if ('flag' in option && option.flag) program.option(option.flag, `${option.description} (env ${option.env})`);
  void key;
}
program.option('--print-options', 'print the configuration table (Markdown) and exit');
program.parse();
const flags = program.opts<Record<string, string | boolean>>();

if (flags.printOptions) {
  process.stdout.write(`${optionsTable(dataServiceOptions)}\n`);
  process.exit(0);
}

let config: DataServiceConfig;
try {
  const given = Object.fromEntries(Object.keys(dataServiceOptions).filter((key) => typeof flags[key] === 'string').map((key) => [key, flags[key] as string]));
  config = resolveDataServiceConfig(process.env, given);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`runnerly-dataservice: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const logger = createServiceLogger('dataservice', config.logLevel);
const service = await startDataService(config, logger);
logger.info({ config: describeConfig(dataServiceOptions, config), url: service.url }, 'data service listening');
process.stdout.write(`${service.url}\n`);
stopOnSignals(() => service.close(), logger);
