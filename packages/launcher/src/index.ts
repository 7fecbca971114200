export { Supervisor, type ProcessSpec, type SupervisorEvents } from './supervisor.js';
export { formatLogLine } from './log-lines.js';
export { SYSTEM_OPTIONS, type SystemConfig } from './system-config.js';
