// Errors a protected resource reports to its caller, mapped to RFC 6750 section 3.

/** The `error` values of RFC 6750 section 3.1, plus `missing_token` for the JSON body of a bare challenge. */
export type GuardErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'missing_token';

/** Base class of every error that becomes an HTTP response with a Bearer challenge. */
export abstract class GuardError extends Error {
  abstract readonly status: 400 | 401 | 403;
  abstract readonly code: GuardErrorCode;
  /** Human-readable, meant for developers; sent in `error_description`. */
  readonly description: string;

  constructor(description: string) {
    super(description);
    this.name = new.target.name;
    this.description = description;
  }

  /** The `WWW-Authenticate` header value for this error (RFC 6750 section 3). */
  wwwAuthenticate(realm: string): string {
    return ['Bearer realm="' + quotedStringSafe(realm) + '"', ...this.challengeParameters()].join(', ');
  }

  protected challengeParameters(): string[] {
    return [`error="${this.code}"`, `error_description="${quotedStringSafe(this.description)}"`];
  }
}

/** 401: the token is expired, revoked, malformed or otherwise unacceptable. */
export class InvalidTokenError extends GuardError {
  readonly status = 401;
  readonly code = 'invalid_token';
}

/** 403: the token is valid but lacks scopes the resource requires. */
export class InsufficientScopeError extends GuardError {
  readonly status = 403;
  readonly code = 'insufficient_scope';
  readonly requiredScopes: readonly string[];

  constructor(requiredScopes: readonly string[], description = 'the access token lacks a required scope') {
    super(description);
    this.requiredScopes = [...requiredScopes];
  }

  protected override challengeParameters(): string[] {
    const scope = this.requiredScopes.map(scopeTokenSafe).filter(Boolean).join(' ');
    return [...super.challengeParameters(), `scope="${scope}"`];
  }
}

/** 400: the request itself is malformed (two tokens, token in the query string, bad header). */
export class InvalidRequestError extends GuardError {
  readonly status = 400;
  readonly code = 'invalid_request';
}

/** 401 without error attributes: the request carried no bearer credentials at all (RFC 6750 section 3.1). */
export class MissingTokenError extends GuardError {
  readonly status = 401;
  readonly code = 'missing_token';

  constructor(description = 'an access token is required') {
    super(description);
  }

  protected override challengeParameters(): string[] {
    return [];
  }
}

/** Programming error in how the guard was set up (e.g. allowing `none` or HS256); never a client's fault. */
export class GuardConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardConfigurationError';
  }
}

/**
 * The authorization server's metadata or keys could not be obtained, so no token can be checked.
 * Not the client's fault: `statusCode` 503 is what Fastify's default error handler will answer.
 */
export class KeySourceError extends Error {
  readonly statusCode = 503;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeySourceError';
  }
}

// RFC 6750 section 3: error_description allows %x20-21 / %x23-5B / %x5D-7E only,
// so quotes, backslashes, control characters and non-ASCII are dropped.
function quotedStringSafe(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
function scopeTokenSafe(scope: string): string {
  return scope.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, '');
}
