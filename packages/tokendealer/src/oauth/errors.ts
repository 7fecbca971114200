// One error class per OAuth error code (RFC 6749 section 5.2, RFC 7009, RFC 8707), thrown where
// a rule fails and turned into the standard JSON response in one place (http/oauth-errors.ts).

export abstract class OAuthError extends Error {
  abstract readonly code: string;
  readonly status: number = 400;

  constructor(readonly description: string) {
    super(description);
  }

  headers(): Record<string, string> {
    return {};
  }

  body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request';
}

export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;

  // RFC 6749 section 5.2: 401 with a challenge for the scheme clients may use.
  override headers(): Record<string, string> {
    return { 'www-authenticate': 'Basic realm="tokendealer", charset="UTF-8"' };
  }
}

export class InvalidGrant extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly code = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope';
}

/** RFC 8707 section 2: the requested resource or audience is not allowed for this client. */
export class InvalidTarget extends OAuthError {
  readonly code = 'invalid_target';
}

export class UnsupportedTokenType extends OAuthError {
  readonly code = 'unsupported_token_type';
}

/**
 * Failed client authentication past the failure limit: still invalid_client (RFC 6749 section
 * 5.2 has no throttling code), but 429 with Retry-After so that clients back off.
 */
export class TooManyAttempts extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed client authentications; retry after ${retryAfterSeconds} seconds`);
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/**
 * The database is down or restarting: RFC 6749's temporarily_unavailable (section 4.1.2.1, used
 * at the token endpoint too), 503 with Retry-After, so that clients try again rather than give up.
 */
export class TemporarilyUnavailable extends OAuthError {
  readonly code = 'temporarily_unavailable';
  override readonly status = 503;

  constructor() {
    super('the server cannot reach its database right now; retry shortly');
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
  }
}

/** Retry-After of answers while the database is unavailable: a restarted database is back within seconds. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export class ServerError extends OAuthError {
  readonly code = 'server_error';
  override readonly status = 500;
}

export class PayloadTooLarge extends OAuthError {
  readonly code = 'invalid_request';
  override readonly status = 413;
}

/**
 * A request body with a Content-Encoding: still invalid_request, but 415 with the codings that
 * are accepted (RFC 9110 section 15.5.16: Accept-Encoding, identity only).
 */
export class UnsupportedContentEncoding extends OAuthError {
  readonly code = 'invalid_request';
  override readonly status = 415;

  override headers(): Record<string, string> {
    return { 'accept-encoding': 'identity' };
  }
}

/** RFC 6749 section 4.1.2.1: only `code` is supported (RFC 9700 section 2.1.2: no implicit grant). */
export class UnsupportedResponseType extends OAuthError {
  readonly code = 'unsupported_response_type';
}

/** RFC 6749 section 4.1.2.1: the user denied the request. */
export class AccessDenied extends OAuthError {
  readonly code = 'access_denied';
}

/** OpenID Connect Core section 3.1.2.6: prompt=none, but the user is not signed in (or must sign in again). */
export class LoginRequired extends OAuthError {
  readonly code = 'login_required';
}

/** OpenID Connect Core section 3.1.2.6: prompt=none, but the user has not consented. */
export class ConsentRequired extends OAuthError {
  readonly code = 'consent_required';
}

/** RFC 9101 section 6.2: request objects are not supported. */
export class RequestNotSupported extends OAuthError {
  readonly code = 'request_not_supported';
}

/** RFC 9101 section 6.2, RFC 9126 section 4: the request_uri is unknown, expired, used or another client's. */
export class InvalidRequestUri extends OAuthError {
  readonly code = 'invalid_request_uri';
}

/**
 * RFC 6750 section 3: the errors of an endpoint protected by a bearer token (the userinfo
 * endpoint), each with its WWW-Authenticate challenge.
 */
export abstract class BearerTokenError extends OAuthError {
  protected challenge(extra: Record<string, string> = {}): Record<string, string> {
    const params = { realm: 'tokendealer', error: this.code, error_description: this.description.replace(/["\\]/g, "'"), ...extra };
    return { 'www-authenticate': `Bearer ${Object.entries(params).map(([name, value]) => `${name}="${value}"`).join(', ')}` };
  }
}

/** RFC 6750 section 3.1: no token at all gets a bare challenge, without an error code in it. */
export class MissingBearerToken extends BearerTokenError {
  readonly code = 'missing_token';
  override readonly status = 401;

  override headers(): Record<string, string> {
    return { 'www-authenticate': 'Bearer realm="tokendealer"' };
  }
}

/** RFC 6750 section 3.1: expired, revoked, forged, or not meant for this endpoint. */
export class InvalidToken extends BearerTokenError {
  readonly code = 'invalid_token';
  override readonly status = 401;

  override headers(): Record<string, string> {
    return this.challenge();
  }
}

/** RFC 6750 section 3.1: the token lacks the scope this endpoint needs. */
export class InsufficientScope extends BearerTokenError {
  readonly code = 'insufficient_scope';
  override readonly status = 403;

  constructor(
    description: string,
    private readonly scope: string,
  ) {
    super(description);
  }

  override headers(): Record<string, string> {
    return this.challenge({ scope: this.scope });
  }
}

/** RFC 6750 section 3.1: a malformed request, such as a token sent two ways at once. */
export class InvalidBearerRequest extends BearerTokenError {
  readonly code = 'invalid_request';

  override headers(): Record<string, string> {
    return this.challenge();
  }
}
