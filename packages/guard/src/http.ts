// Framework-independent glue between an HTTP request and the verifier (RFC 6750).
import { GuardError, InvalidRequestError, MissingTokenError } from './errors.js';
import type { AccessTokenClaims } from './jwt.js';
import type { AccessTokenVerifier, VerifyOptions } from './verifier.js';

/** The parts of a request the guard looks at; Node's IncomingMessage and Fastify's request both fit. */
export interface BearerRequest {
  /** Accepted for convenience; unused, as form-body tokens (RFC 6750 section 2.2) are never read. */
  readonly method?: string;
  /** Path and query, e.g. `/runs?limit=10`. */
  readonly url?: string;
  /** Header names in lower case, as Node delivers them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token.
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Returns the bearer token of `request`.
 * Throws MissingTokenError when there are no Bearer credentials, InvalidRequestError when the
 * request is malformed or carries a token in the query string.
 */
export function extractBearerToken(request: BearerRequest): string {
  // RFC 6750 section 2.3 and RFC 9700: URLs end up in logs, browser history and Referer headers.
  if (hasQueryAccessToken(request.url)) throw new InvalidRequestError('tokens in query strings are not accepted');

  const header = request.headers.authorization;
  if (Array.isArray(header) && header.length > 1) throw new InvalidRequestError('more than one Authorization header');
  const value = (typeof header === 'string' ? header : header?.[0])?.trim();
  if (value === undefined || value === '') throw new MissingTokenError();

  const scheme = value.split(' ', 1)[0] ?? '';
  // RFC 6750 section 3.1: an unsupported scheme counts as "no authentication information".
  if (scheme.toLowerCase() !== 'bearer') throw new MissingTokenError('the Bearer authentication scheme is required');

  const match = BEARER_CREDENTIALS.exec(value);
  if (match === null) {
    const tokens = value.slice(scheme.length).trim();
    throw new InvalidRequestError(
      /[\s,]/.test(tokens) ? 'more than one token in the Authorization header' : 'malformed Authorization header: expected "Bearer <token>"',
    );
  }
  return match[1] as string;
}

function hasQueryAccessToken(url: string | undefined): boolean {
  if (url === undefined) return false;
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return false;
  const hashStart = url.indexOf('#', queryStart);
  return new URLSearchParams(url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart)).has('access_token');
}

/** Extracts the bearer token and verifies it, requiring `options.scopes`. */
export async function authenticateRequest(
  request: BearerRequest,
  verifier: Pick<AccessTokenVerifier, 'verify'>,
  options: VerifyOptions = {},
): Promise<AccessTokenClaims> {
  return verifier.verify(extractBearerToken(request), options);
}

export interface GuardErrorResponse {
  readonly status: 400 | 401 | 403;
  readonly headers: {
    readonly 'www-authenticate': string;
    readonly 'cache-control': 'no-store';
    readonly 'content-type': 'application/json';
  };
  readonly body: { readonly error: string; readonly error_description: string };
}

/** The RFC 6750 response for a GuardError; any other error is rethrown, since it is not the client's fault. */
export function errorResponse(error: unknown, realm: string): GuardErrorResponse {
  if (!(error instanceof GuardError)) throw error;
  return {
    status: error.status,
    headers: {
      'www-authenticate': error.wwwAuthenticate(realm),
      'cache-control': 'no-store',
      'content-type': 'application/json',
    },
    body: { error: error.code, error_description: error.description },
  };
}
