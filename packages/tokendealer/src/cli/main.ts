import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/options.js';
import { ClientValidationError } from '../clients/client-validation.js';
import { serveCommand } from './serve-command.js';
import { clientsCommand } from './clients-command.js';
import { keysCommand } from './keys-command.js';
import { usersCommand } from './users-command.js';
import { throttleCommand } from './throttle-command.js';
import { migrateCommand } from './migrate-command.js';
import { CliError } from './output.js';

const program = new Command('tokendealer')
  .description("Runnerly's OAuth 2.0 authorization server")
  .exitOverride()
  .addCommand(serveCommand())
  .addCommand(clientsCommand())
  .addCommand(keysCommand())
  .addCommand(usersCommand())
  .addCommand(throttleCommand())
  .addCommand(migrateCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof CliError || error instanceof ConfigError || error instanceof ClientValidationError) {
    console.error(`tokendealer: ${error.message}`);
    process.exit(2);
  }
  console.error(`tokendealer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
