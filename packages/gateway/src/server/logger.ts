import { pino, type Logger } from 'pino';
import { traceLogFields } from '@runnerly/tracing';
import type { LogLevel } from '../config/types.js';

/**
 * JSON lines on stderr, so stdout carries only what the CLI prints. Credentials are never logged.
 * A line logged while a request's span is active carries its `trace_id` and `span_id`.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'runnerly-gateway' }, mixin: traceLogFields }, pino.destination({ fd: 2, sync: false }));
}
