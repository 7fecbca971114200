// The calling side: obtains access tokens with the client_credentials grant (RFC 6749 section 4.4),
// caches them until shortly before expiry, and attaches them to outgoing requests.
import { DEFAULT_TIMEOUT_MS, fetchJson, isJsonObject } from './fetch-json.js';
import { fetchAuthorizationServerMetadata } from './metadata.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

interface TokenSourceCommonOptions {
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint; default client_secret_basic. */
  authMethod?: ClientAuthMethod;
  /** Scopes to request; an array is joined with spaces. */
  scope?: string | readonly string[];
  /** `audience` parameter, for servers that take one. */
  audience?: string;
  /** RFC 8707 resource indicator(s). */
  resource?: string | readonly string[];
  /** Fetch a new token this many seconds before the current one expires; default 30. */
  refreshBeforeExpirySeconds?: number;
  /** Timeout of each token request; default 5 s. */
  timeoutMs?: number;
  /** Clock in epoch seconds; for tests. */
  now?: () => number;
}

export type TokenSourceOptions = TokenSourceCommonOptions &
  (
    | { /** Discover `token_endpoint` from this issuer's metadata. */ issuer: string; tokenEndpoint?: undefined }
    | { tokenEndpoint: string; issuer?: undefined }
  );

/** A token request failed; `error` is the OAuth error code (RFC 6749 section 5.2) when the server sent one. */
export class TokenSourceError extends Error {
  /** OAuth `error` code, or `request_failed` (no HTTP answer) / `invalid_response` (unusable answer). */
  readonly error: string;
  /** HTTP status of the token endpoint's answer, if there was one. */
  readonly status: number | undefined;
  readonly errorDescription: string | undefined;

  constructor(error: string, status: number | undefined, errorDescription: string | undefined, options?: { cause?: unknown }) {
    super(`token request failed: ${error}${status === undefined ? '' : ` (HTTP ${status})`}${errorDescription ? `: ${errorDescription}` : ''}`, options);
    this.name = 'TokenSourceError';
    this.error = error;
    this.status = status;
    this.errorDescription = errorDescription;
  }
}

/** Used when the token response has no expires_in (it is only RECOMMENDED, RFC 6749 section 5.1). */
const ASSUMED_LIFETIME_SECONDS = 60;

interface CachedToken {
  readonly accessToken: string;
  /** Epoch seconds after which getToken requests a new token. */
  readonly refreshAt: number;
}

export class TokenSource {
  readonly #options: TokenSourceOptions;
  readonly #clock: () => number;
  #tokenEndpoint: string | undefined;
  #cached: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(options: TokenSourceOptions) {
    if ((options.issuer === undefined) === (options.tokenEndpoint === undefined)) {
      throw new TypeError('TokenSource: give exactly one of issuer and tokenEndpoint');
    }
    if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('TokenSource: clientId is required');
    if (typeof options.clientSecret !== 'string') throw new TypeError('TokenSource: clientSecret is required');
    const method = options.authMethod ?? 'client_secret_basic';
    if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
      throw new TypeError(`TokenSource: unsupported authMethod ${String(method)}`);
    }
    this.#options = { ...options };
    this.#tokenEndpoint = options.tokenEndpoint;
    this.#clock = options.now ?? (() => Date.now() / 1000);
  }

  /**
   * A valid access token, from cache until shortly before expiry. Concurrent callers share one
   * token request; a failed request is not cached and all its waiters get its TokenSourceError.
   */
  async getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached !== undefined && this.#clock() < cached.refreshAt) return cached.accessToken;
    const token = await (this.#pending ?? this.#startTokenRequest());
    return token.accessToken;
  }

  /** Forgets the cached token; with `token`, only if that is still the cached one (so a newer token survives). */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.accessToken === token) this.#cached = undefined;
  }

  /**
   * `fetch` with `Authorization: Bearer <token>`. On a 401 the token is dropped and the request is
   * sent exactly once more with a fresh token, but only when the body can be sent twice: stream
   * bodies (and Request objects with a body) are single-use, so their 401 is returned as is.
   */
  async fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const replayable = input instanceof Request ? input.body === null : isReplayableBody(init.body);
    const token = await this.getToken();
    const response = await globalThis.fetch(input, withBearer(input, init, token));
    if (response.status !== 401 || !replayable) return response;

    await response.body?.cancel();
    this.invalidate(token);
    return globalThis.fetch(input, withBearer(input, init, await this.getToken()));
  }

  #startTokenRequest(): Promise<CachedToken> {
    const request = this.#requestToken()
      .then((token) => {
        this.#cached = token;
        return token;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    this.#pending = request;
    return request;
  }

  async #requestToken(): Promise<CachedToken> {
    const options = this.#options;
    const endpoint = await this.#resolveTokenEndpoint();

    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope !== undefined) form.set('scope', typeof options.scope === 'string' ? options.scope : options.scope.join(' '));
    if (options.audience !== undefined) form.set('audience', options.audience);
    const resources = typeof options.resource === 'string' ? [options.resource] : (options.resource ?? []);
    for (const resource of resources) form.append('resource', resource);

    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if ((options.authMethod ?? 'client_secret_basic') === 'client_secret_basic') {
      headers.authorization = basicCredentials(options.clientId, options.clientSecret);
    } else {
      form.set('client_id', options.clientId);
      form.set('client_secret', options.clientSecret);
    }

    const requestedAt = this.#clock();
    let answer;
    try {
      answer = await fetchJson(endpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (error) {
      throw new TokenSourceError('request_failed', undefined, `${endpoint}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return this.#readTokenResponse(answer.status, answer.body, requestedAt);
  }

  #readTokenResponse(status: number, body: unknown, requestedAt: number): CachedToken {
    if (status !== 200) {
      const error = isJsonObject(body) && typeof body.error === 'string' ? body.error : 'invalid_response';
      const description = isJsonObject(body) && typeof body.error_description === 'string' ? body.error_description : undefined;
      throw new TokenSourceError(error, status, description);
    }
    if (!isJsonObject(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw new TokenSourceError('invalid_response', status, 'no access_token in the token response');
    }
    // RFC 6749 section 7.1: token_type is case-insensitive; we can only use bearer tokens.
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
      throw new TokenSourceError('invalid_response', status, `unsupported token_type ${JSON.stringify(body.token_type)}`);
    }
    const expiresIn = Number(body.expires_in ?? ASSUMED_LIFETIME_SECONDS);
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new TokenSourceError('invalid_response', status, 'invalid expires_in in the token response');
    }
    // Lifetime counts from before the request was sent, so network time is never counted as validity.
    const expiresAt = requestedAt + expiresIn;
    const margin = this.#options.refreshBeforeExpirySeconds ?? 30;
    // A token shorter-lived than the margin is still used for half its life instead of never being reused.
    const refreshAt = Math.max(expiresAt - margin, requestedAt + expiresIn / 2);
    return { accessToken: body.access_token, refreshAt };
  }

  async #resolveTokenEndpoint(): Promise<string> {
    if (this.#tokenEndpoint !== undefined) return this.#tokenEndpoint;
    const issuer = this.#options.issuer as string;
    let endpoint: string | undefined;
    try {
      endpoint = (await fetchAuthorizationServerMetadata(issuer, this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS)).token_endpoint;
    } catch (error) {
      throw new TokenSourceError('request_failed', undefined, `metadata discovery failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (endpoint === undefined) throw new TokenSourceError('invalid_response', undefined, `the metadata of ${issuer} has no token_endpoint`);
    this.#tokenEndpoint = endpoint;
    return endpoint;
  }
}

// RFC 6749 section 2.3.1: client_id and client_secret are form-urlencoded before base64,
// so that a ':' (or any non-ASCII character) in either survives the "id:secret" format.
function basicCredentials(clientId: string, clientSecret: string): string {
  return 'Basic ' + Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`).toString('base64');
}

function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice('v='.length);
}

function isReplayableBody(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof FormData
  );
}

function withBearer(input: string | URL | Request, init: RequestInit, token: string): RequestInit {
  // Headers in init replace those of a Request input, so start from the Request's own when init has none.
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}
