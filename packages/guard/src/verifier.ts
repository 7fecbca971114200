// Offline access token verification for resource servers: JWKS keys + a cache of verified tokens.
// Revocation is not checked: a token stays valid until its exp, which is why tokens are short-lived.
import { GuardConfigurationError, InsufficientScopeError } from './errors.js';
import { JwksKeySource } from './jwks.js';
import {
  assertVerifyOptions,
  DEFAULT_CLOCK_TOLERANCE,
  verifyJwtAccessToken,
  type AccessTokenClaims,
  type JwtVerifyOptions,
  type KeyResolver,
} from './jwt.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface VerifierOptions {
  /** The TokenDealer issuer URL; its metadata names the JWKS. */
  issuer: string;
  /** This resource server's identifier(s); tokens must be addressed to one of them (RFC 9068 section 4). */
  audience: string | readonly string[];
  /** JWS algorithm allow-list; default ES256, PS256, RS256, EdDSA. */
  algorithms?: readonly string[];
  /** Seconds of leeway for exp/nbf/iat; default 10. */
  clockTolerance?: number;
  /**
   * Maximum number of verified tokens remembered; default 10 000, 0 disables the cache. A token is
   * remembered at its second verification; claims are frozen whenever the cache is on.
   */
  cacheSize?: number;
  /** Key source to use instead of a new one for `issuer` (to share it, or tune its cooldown/timeouts). */
  keySource?: JwksKeySource;
  /** Clock in epoch seconds; for tests. */
  now?: () => number;
}

export interface VerifyOptions {
  /** Scopes the token must all carry, checked on every call (cache hits too). */
  scopes?: readonly string[];
}

export interface AccessTokenVerifier {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly keySource: JwksKeySource;
  /**
   * Resolves to the token's claims, or rejects with InvalidTokenError (401), InsufficientScopeError (403),
   * or KeySourceError (503) when the issuer's keys have never been obtainable.
   */
  verify(token: string, options?: VerifyOptions): Promise<AccessTokenClaims>;
}

export const DEFAULT_CACHE_SIZE = 10_000;

export function createVerifier(options: VerifierOptions): AccessTokenVerifier {
  if (options.audience === undefined) {
    throw new GuardConfigurationError('audience is required: a resource server must only accept tokens meant for it');
  }
  assertVerifyOptions(options);
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new GuardConfigurationError('cacheSize must be a non-negative integer');
  const keySource = options.keySource ?? new JwksKeySource({ issuer: options.issuer });
  if (keySource.issuer !== options.issuer) throw new GuardConfigurationError('keySource belongs to a different issuer');

  const clock = options.now ?? (() => Date.now() / 1000);
  const jwtOptions: JwtVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms,
    clockTolerance: options.clockTolerance,
  };
  // Without an injected clock the core reads the system clock itself, saving an object per call.
  const jwtOptionsNow = options.now === undefined ? () => jwtOptions : () => ({ ...jwtOptions, now: clock() });
  const cache = cacheSize > 0 ? new VerifiedTokenCache(cacheSize) : undefined;

  // Set by the resolver when the token names a key we do not have. The core is synchronous,
  // so reading this right after it returns or throws always concerns that same call.
  let keyMissed = false;
  const resolveNotingMisses: KeyResolver = (kid, alg) => {
    const key = keySource.resolve(kid, alg);
    keyMissed = key === undefined;
    return key;
  };

  function verifyAndRemember(token: string): AccessTokenClaims {
    keyMissed = false;
    const claims = verifyJwtAccessToken(token, resolveNotingMisses, jwtOptionsNow());
    if (cache === undefined) return claims;
    // Frozen at every verification, not only when remembered: a handler that writes to claims
    // would otherwise work until the token's second request and throw from then on.
    freezeClaims(claims);
    if (claims.exp > clock()) cache.offer(token, claims);
    return claims;
  }

  // The common case (keys loaded, known kid) stays synchronous up to the returned promise:
  // this runs for every request, and each extra await would cost more than the checks themselves.
  // No default `{}` for the options: it would be a new object on every call that omits them.
  function verify(token: string, verifyOptions?: VerifyOptions): Promise<AccessTokenClaims> {
    let claims: AccessTokenClaims | undefined;
    try {
      claims = cache?.get(token, clock);
      if (claims === undefined) {
        if (!keySource.loaded) return verifyOnceLoaded(token, verifyOptions);
        claims = verifyAndRemember(token);
      }
      requireScopes(claims, verifyOptions?.scopes);
      return Promise.resolve(claims);
    } catch (error) {
      if (claims === undefined && keyMissed) return verifyAfterKeyRefresh(token, verifyOptions, error);
      return Promise.reject(error);
    }
  }

  async function verifyOnceLoaded(token: string, verifyOptions: VerifyOptions | undefined): Promise<AccessTokenClaims> {
    await keySource.ready();
    return verify(token, verifyOptions);
  }

  // An unknown kid may mean the issuer rotated keys: look again once, subject to the cooldown.
  async function verifyAfterKeyRefresh(token: string, verifyOptions: VerifyOptions | undefined, unknownKeyError: unknown): Promise<AccessTokenClaims> {
    if (!(await keySource.refreshForUnknownKey())) throw unknownKeyError;
    const claims = verifyAndRemember(token);
    requireScopes(claims, verifyOptions?.scopes);
    return claims;
  }

  return { issuer: options.issuer, audience: options.audience, keySource, verify };
}

function freezeClaims(claims: AccessTokenClaims): void {
  Object.freeze(claims.scopes);
  if (Array.isArray(claims.aud)) Object.freeze(claims.aud);
  Object.freeze(claims);
}

function requireScopes(claims: AccessTokenClaims, required: readonly string[] | undefined): void {
  if (required === undefined || required.length === 0) return;
  const missing = required.filter((scope) => !claims.scopes.includes(scope));
  if (missing.length > 0) throw new InsufficientScopeError(required, `the access token lacks scope: ${missing.join(' ')}`);
}

export interface VerifyAccessTokenOptions extends VerifyOptions {
  issuer: string;
  audience: string | readonly string[];
  algorithms?: readonly string[];
  clockTolerance?: number;
}

// One verifier per configuration for the whole process, so that repeated calls share the JWKS
// and the token cache. Entries are never removed: this suits the handful of fixed configurations
// a service has, not configurations built from request data.
const sharedVerifiers = new Map<string, AccessTokenVerifier>();

/**
 * Verifies `token` with a process-wide verifier for (issuer, audience, algorithms, clockTolerance),
 * created on first use and kept in a module-level Map. Use {@link createVerifier} to control its lifetime.
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<AccessTokenClaims> {
  const { issuer, audience, algorithms, scopes } = options;
  const clockTolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  const key = JSON.stringify([issuer, audience, algorithms ?? null, clockTolerance]);
  let verifier = sharedVerifiers.get(key);
  if (verifier === undefined) {
    verifier = createVerifier({ issuer, audience, algorithms, clockTolerance });
    sharedVerifiers.set(key, verifier);
  }
  return verifier.verify(token, { scopes });
}
