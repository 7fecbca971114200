import { pino, type Logger } from 'pino';
import { traceLogFields } from '@runnerly/tracing';

/** Paths that may hold credentials in anything a service logs: never written out. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'access_token',
  'refresh_token',
  'client_secret',
  'token',
  'password',
];

/**
 * JSON lines on stderr, each naming its service, so stdout carries only what a command prints
 * (the URL line) and one supervisor can merge every service's log into one readable stream.
 */
export function createServiceLogger(service: string, level = 'info'): Logger {
  return pino({ level, base: { service }, redact: REDACTED_PATHS, mixin: traceLogFields }, pino.destination({ fd: 2, sync: false }));
}
