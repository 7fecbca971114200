export { runCommand, CommandError, type CommandResult } from './commands.js';
export { containerEngineMissing } from './engine.js';
export { ComposeProject, type ServiceState } from './compose-project.js';
