import { pino, type Logger } from 'pino';

/** JSON logs on stderr, so stdout carries only the URL line. Tokens and secrets are redacted. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'strava-sandbox' },
      // Paths only: Strava clients put secrets and tokens in query strings.
      serializers: {
        req: (request: { method?: string; url?: string }) => ({ method: request.method, path: (request.url ?? '').split('?')[0] }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'client_secret', 'access_token', 'refresh_token', 'password', 'code'],
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
