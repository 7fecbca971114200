import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/types.js';

/** JSON lines on stderr, so stdout carries only what the CLI prints. Credentials are never logged. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'runnerly-gateway' } }, pino.destination({ fd: 2, sync: false }));
}
