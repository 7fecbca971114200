// One error class per HTTP problem the pages can have, turned into an HTML error page in one
// place (web-plugin.ts). Messages are shown to the user: plain sentences, no internals.

export class WebError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }

  headers(): Record<string, string> {
    return {};
  }
}

/** The database is down or restarting: a page asking to try again, 503 with Retry-After. */
export class TemporarilyUnavailable extends WebError {
  constructor(private readonly retryAfterSeconds: number) {
    super(503, 'Temporarily unavailable', 'Runnerly cannot reach its database right now. Please try again in a moment.');
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

export class BadRequest extends WebError {
  constructor(message: string) {
    super(400, 'Bad request', message);
  }
}

/** An authorization request refused before its redirect URI was checked: told to the user, never redirected. */
export class AuthorizationRefused extends WebError {
  constructor(readonly reason: string) {
    super(400, 'Cannot continue to the app', `The app sent an authorization request that cannot be accepted (${reason}). Nothing was shared with it.`);
  }
}

export class CsrfRefused extends WebError {
  constructor(readonly reason: string) {
    super(403, 'Form expired', 'This form could not be accepted: it may have expired or come from another site. Go back, reload the page and try again.');
  }
}

export class MethodNotAllowed extends WebError {
  constructor(private readonly allowed: string) {
    super(405, 'Method not allowed', `This page accepts ${allowed} only.`);
  }

  override headers(): Record<string, string> {
    return { allow: this.allowed };
  }
}

export class PayloadTooLarge extends WebError {
  constructor() {
    super(413, 'Form too large', 'The form sent was too large.');
  }
}

export class UnsupportedMediaType extends WebError {
  constructor() {
    super(415, 'Unsupported form encoding', 'Forms must be sent as application/x-www-form-urlencoded.');
  }
}

/** A compressed form (any Content-Encoding but identity): nothing here decompresses it. */
export class UnsupportedContentEncoding extends WebError {
  constructor() {
    super(415, 'Unsupported form encoding', 'Forms must not be compressed: send the form without a Content-Encoding.');
  }

  override headers(): Record<string, string> {
    return { 'accept-encoding': 'identity' };
  }
}

/** What a form over its request limit says (with a 429 and Retry-After): when to try again, nothing about the email. */
export function tooManyRequests(retryAfterSeconds: number): string {
  return `There were too many requests: wait ${Math.ceil(retryAfterSeconds / 60)} minutes before trying again.`;
}
