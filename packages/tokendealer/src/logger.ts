import { pino, type Logger } from 'pino';

/**
 * JSON logs on stderr, so stdout carries only what commands print (the URL line, JSON output).
 * Credentials never reach the logs: headers and bodies are not logged, and these paths are redacted.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'tokendealer' },
      redact: ['req.headers.authorization', 'client_secret', 'client_assertion', 'token', 'access_token', 'password'],
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
