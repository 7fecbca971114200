import { pino, type Logger } from 'pino';
import { traceLogFields } from '@runnerly/tracing';

/**
 * JSON logs on stderr, so stdout carries only what commands print (the URL line, JSON output).
 * Credentials never reach the logs: headers and bodies are not logged, and these paths are redacted.
 * A line logged while a request's span is active carries its `trace_id` and `span_id`.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'tokendealer' },
      mixin: traceLogFields,
      redact: ['req.headers.authorization', 'client_secret', 'client_assertion', 'token', 'access_token', 'password'],
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
