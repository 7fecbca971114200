// Synchronous verification of JWT access tokens (RFC 9068) with node:crypto.
// This is the hot path of every protected request: it avoids jose/WebCrypto on purpose
// and does the cheap structural checks before the signature, and the claims after it.
import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { GuardConfigurationError, InvalidTokenError } from './errors.js';

export type SupportedAlgorithm = 'ES256' | 'RS256' | 'PS256' | 'EdDSA';

/** Every algorithm the guard can verify; also the default allow-list. */
export const SUPPORTED_ALGORITHMS: readonly SupportedAlgorithm[] = Object.freeze(['ES256', 'PS256', 'RS256', 'EdDSA']);

/** Default leeway, in seconds, for exp/nbf/iat against clock skew between servers. */
export const DEFAULT_CLOCK_TOLERANCE = 10;

/** Far above any real access token; refusing early bounds the work an attacker can ask for. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** Finds the verification key for a token header; `undefined` means "no such key". */
export type KeyResolver = (kid: string | undefined, alg: string) => KeyObject | undefined;

export interface JwtVerifyOptions {
  /** Expected `iss`, compared exactly. */
  issuer: string;
  /** Acceptable audiences; the token's `aud` must contain at least one. Omit only when the caller is the issuer itself. */
  audience?: string | readonly string[];
  /** Allow-list of JWS algorithms; defaults to {@link SUPPORTED_ALGORITHMS}. */
  algorithms?: readonly string[];
  /** Seconds of leeway for exp/nbf/iat; default 10. */
  clockTolerance?: number;
  /** Current time in epoch seconds; defaults to the system clock. */
  now?: number;
}

/** Claims of a verified access token (RFC 9068 section 2.2), plus `scopes` parsed from `scope`. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly client_id: string;
  readonly scope?: string;
  readonly nbf?: number;
  /** `scope` split on spaces; empty when the token has no scope claim. */
  readonly scopes: readonly string[];
  readonly [claim: string]: unknown;
}

interface TokenHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

// One regular expression checks "exactly three base64url parts" in a single pass.
// The signature may be empty so that `alg: none` tokens get the precise "algorithm not allowed".
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const DEFAULT_ALLOWED: ReadonlySet<string> = new Set(SUPPORTED_ALGORITHMS);
const SUPPORTED: ReadonlySet<string> = DEFAULT_ALLOWED;
// Validated allow-lists by array identity, so per-call options cost one lookup (arrays are not expected to change).
const allowListCache = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * Validates an algorithm allow-list and returns it as a set.
 * Throws {@link GuardConfigurationError} for `none`, HS* or anything unsupported:
 * a misconfigured verifier must fail loudly, not accept forged tokens.
 */
export function allowedAlgorithmSet(algorithms?: readonly string[]): ReadonlySet<string> {
  if (algorithms === undefined) return DEFAULT_ALLOWED;
  const cached = allowListCache.get(algorithms);
  if (cached) return cached;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new GuardConfigurationError('algorithms must be a non-empty array');
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new GuardConfigurationError('alg "none" is never acceptable for access tokens');
    }
    if (typeof alg === 'string' && /^HS/i.test(alg)) {
      throw new GuardConfigurationError(`symmetric algorithm ${alg} is not allowed: resource servers only hold public keys`);
    }
    if (!SUPPORTED.has(alg)) {
      throw new GuardConfigurationError(`unsupported algorithm ${String(alg)}; supported: ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
  }
  const set: ReadonlySet<string> = new Set(algorithms);
  allowListCache.set(algorithms, set);
  return set;
}

/** Validates verifier options once, so misconfiguration surfaces at construction time. */
export function assertVerifyOptions(options: Omit<JwtVerifyOptions, 'now'>): void {
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new GuardConfigurationError('issuer must be a non-empty string');
  }
  const tolerance = options.clockTolerance;
  if (tolerance !== undefined && (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0)) {
    throw new GuardConfigurationError('clockTolerance must be a non-negative number of seconds');
  }
  const audience = options.audience;
  if (audience !== undefined) {
    const audiences = typeof audience === 'string' ? [audience] : audience;
    if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === '')) {
      throw new GuardConfigurationError('audience must be a non-empty string or array of non-empty strings');
    }
  }
  allowedAlgorithmSet(options.algorithms);
}

/**
 * Verifies a JWT access token and returns its claims.
 * Throws {@link InvalidTokenError} for every token problem, {@link GuardConfigurationError} for bad options.
 */
export function verifyJwtAccessToken(token: string, resolveKey: KeyResolver, options: JwtVerifyOptions): AccessTokenClaims {
  const allowed = allowedAlgorithmSet(options.algorithms);
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new GuardConfigurationError('issuer must be a non-empty string');
  }

  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new InvalidTokenError('malformed token');
  }
  const headerEnd = token.indexOf('.');
  const payloadEnd = token.indexOf('.', headerEnd + 1);

  const header = headerOf(token, headerEnd);
  // The alg comes from the client: it is shortened before it goes into a response header.
  if (!allowed.has(header.alg)) throw new InvalidTokenError(`algorithm not allowed: ${header.alg.slice(0, 16)}`);

  const key = resolveKey(header.kid, header.alg);
  if (key === undefined) {
    throw new InvalidTokenError(header.kid === undefined ? 'token has no key id' : 'unknown key id');
  }
  if (!algorithmsForKey(key).has(header.alg)) throw new InvalidTokenError('key does not match the token algorithm');

  const signingInput = signingInputOf(token, payloadEnd);
  const encodedSignature = token.slice(payloadEnd + 1);
  if (!hasZeroPadBits(encodedSignature)) throw new InvalidTokenError('malformed signature');
  const signature = signatureOf(encodedSignature);
  if (!signatureIsValid(header.alg, signingInput, key, signature)) {
    throw new InvalidTokenError('signature verification failed');
  }

  const claims = parseClaims(token.slice(headerEnd + 1, payloadEnd));
  checkClaims(claims, options);
  claims.scopes = parseScopes(claims.scope);
  return claims as unknown as AccessTokenClaims;
}

// The signing input and the signature are written into buffers kept for the purpose and passed as
// views: cheaper than two new Buffers per token. Safe because crypto.verify is synchronous and done
// with them when it returns, and nothing else writes these buffers.
const signingInputBuffer = Buffer.allocUnsafe(MAX_TOKEN_LENGTH);
const signatureBuffer = Buffer.allocUnsafe(MAX_TOKEN_LENGTH);

function signingInputOf(token: string, payloadEnd: number): Uint8Array {
  // The token is ASCII (checked by the caller), so latin1 gives exactly the JWS signing input bytes.
  const length = signingInputBuffer.write(token, 0, payloadEnd, 'latin1');
  return new Uint8Array(signingInputBuffer.buffer, signingInputBuffer.byteOffset, length);
}

function signatureOf(encodedSignature: string): Uint8Array {
  const length = signatureBuffer.write(encodedSignature, 'base64url');
  return new Uint8Array(signatureBuffer.buffer, signatureBuffer.byteOffset, length);
}

function parseScopes(scope: unknown): string[] {
  if (typeof scope !== 'string' || scope === '') return [];
  const scopes = scope.split(' ');
  return scopes.includes('') ? scopes.filter((s) => s !== '') : scopes;
}

// Headers repeat (one per signing key), so their decoded form is cached.
// Only structurally valid headers are stored; the allow-list is still checked on every call.
const HEADER_CACHE_LIMIT = 256;
const headerCache = new Map<string, TokenHeader>();
// Nearly every token repeats the previous one's header; a prefix comparison finds it without slicing or hashing.
let lastHeader: { readonly segment: string; readonly header: TokenHeader } | undefined;

function headerOf(token: string, headerEnd: number): TokenHeader {
  const last = lastHeader;
  if (last !== undefined && last.segment.length === headerEnd && token.startsWith(last.segment)) return last.header;
  const segment = token.slice(0, headerEnd);
  const header = parseHeader(segment);
  lastHeader = { segment, header };
  return header;
}

function parseHeader(segment: string): TokenHeader {
  const cached = headerCache.get(segment);
  if (cached !== undefined) return cached;

  const header = parseJsonObject(segment);
  if (header === undefined) throw new InvalidTokenError('malformed token header');
  const { alg, typ, kid, crit } = header;
  if (typeof alg !== 'string') throw new InvalidTokenError('missing alg header');
  // RFC 7515 section 4.1.11: extensions we do not understand must not be ignored.
  if (crit !== undefined) throw new InvalidTokenError('unsupported critical header parameters');
  // RFC 9068 section 4: resource servers must check typ to avoid JWT confusion (e.g. ID tokens).
  if (typeof typ !== 'string' || !isAccessTokenType(typ)) throw new InvalidTokenError('unexpected token type (typ must be at+jwt)');
  if (kid !== undefined && typeof kid !== 'string') throw new InvalidTokenError('malformed kid header');

  const parsed: TokenHeader = Object.freeze({ alg, kid });
  if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
  headerCache.set(segment, parsed);
  return parsed;
}

function isAccessTokenType(typ: string): boolean {
  const lower = typ.toLowerCase();
  return lower === 'at+jwt' || lower === 'application/at+jwt';
}

type MutableClaims = Record<string, unknown>;

function parseClaims(segment: string): MutableClaims {
  const claims = parseJsonObject(segment);
  if (claims === undefined) throw new InvalidTokenError('claims are not a JSON object');
  return claims;
}

// Decoded segments go through one buffer, reused: a new Buffer per token costs more than the decoding.
// Safe because verification is synchronous; base64url never decodes to more bytes than characters.
const decodeBuffer = Buffer.allocUnsafe(MAX_TOKEN_LENGTH);

function parseJsonObject(segment: string): MutableClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decodeBuffer.toString('utf8', 0, decodeBuffer.write(segment, 'base64url')));
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as MutableClaims) : undefined;
}

function checkClaims(claims: MutableClaims, options: JwtVerifyOptions): void {
  if (claims.iss !== options.issuer) throw new InvalidTokenError('unexpected issuer');

  const now = options.now ?? Date.now() / 1000;
  const tolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  const { exp, nbf, iat } = claims;
  if (!isFiniteNumber(exp)) throw new InvalidTokenError('missing or invalid exp claim');
  // RFC 7519 section 4.1.4: the current time must be before exp.
  if (now >= exp + tolerance) throw new InvalidTokenError('token expired');
  if (nbf !== undefined) {
    if (!isFiniteNumber(nbf)) throw new InvalidTokenError('invalid nbf claim');
    if (nbf > now + tolerance) throw new InvalidTokenError('token not yet valid');
  }
  if (!isFiniteNumber(iat)) throw new InvalidTokenError('missing or invalid iat claim');
  if (iat > now + tolerance) throw new InvalidTokenError('token issued in the future');

  checkAudience(claims.aud, options.audience);

  // RFC 9068 section 2.2: required claims.
  if (!isNonEmptyString(claims.sub)) throw new InvalidTokenError('missing or invalid sub claim');
  if (!isNonEmptyString(claims.client_id)) throw new InvalidTokenError('missing or invalid client_id claim');
  if (!isNonEmptyString(claims.jti)) throw new InvalidTokenError('missing or invalid jti claim');
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw new InvalidTokenError('invalid scope claim');
}

function checkAudience(aud: unknown, expected: string | readonly string[] | undefined): void {
  if (typeof aud === 'string') {
    if (expected === undefined || matchesExpected(aud, expected)) return;
  } else if (Array.isArray(aud) && aud.length > 0 && aud.every(isNonEmptyString)) {
    if (expected === undefined || aud.some((a: string) => matchesExpected(a, expected))) return;
  } else {
    throw new InvalidTokenError('missing or invalid aud claim');
  }
  throw new InvalidTokenError('unexpected audience');
}

function matchesExpected(aud: string, expected: string | readonly string[]): boolean {
  return typeof expected === 'string' ? aud === expected : expected.includes(aud);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

// RFC 4648 section 3.5: the unused low bits of the last character must be zero. Without this,
// several strings decode to the same signature and a token would have more than one valid form.
function hasZeroPadBits(segment: string): boolean {
  const remainder = segment.length % 4;
  if (remainder === 0) return true;
  if (remainder === 1) return false;
  const last = segment.charCodeAt(segment.length - 1);
  // a-z, '_', A-Z, 0-9, '-' (the segment is known to hold only these)
  const value = last >= 97 ? last - 71 : last === 95 ? 63 : last >= 65 ? last - 65 : last >= 48 ? last + 4 : 62;
  return (value & (remainder === 2 ? 0x0f : 0x03)) === 0;
}

// Which algorithms a key may be used with is fixed for the key's lifetime, so it is computed once.
const NO_ALGORITHMS: ReadonlySet<string> = new Set();
const EC_P256: ReadonlySet<string> = new Set(['ES256']);
const RSA: ReadonlySet<string> = new Set(['RS256', 'PS256']);
const RSA_PSS: ReadonlySet<string> = new Set(['PS256']);
const ED25519: ReadonlySet<string> = new Set(['EdDSA']);
const MIN_RSA_BITS = 2048;
const keyAlgorithms = new WeakMap<KeyObject, ReadonlySet<string>>();

/** Whether `key` is of the right type and size for `alg` (e.g. EC P-256 for ES256, RSA >= 2048 bits for RS256/PS256). */
export function keySupportsAlgorithm(key: KeyObject, alg: string): boolean {
  return algorithmsForKey(key).has(alg);
}

function algorithmsForKey(key: KeyObject): ReadonlySet<string> {
  let algorithms = keyAlgorithms.get(key);
  if (algorithms === undefined) {
    algorithms = computeKeyAlgorithms(key);
    keyAlgorithms.set(key, algorithms);
  }
  return algorithms;
}

function computeKeyAlgorithms(key: KeyObject): ReadonlySet<string> {
  if (key.type === 'secret') return NO_ALGORITHMS;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return details.namedCurve === 'prime256v1' ? EC_P256 : NO_ALGORITHMS;
    case 'rsa':
      return (details.modulusLength ?? 0) >= MIN_RSA_BITS ? RSA : NO_ALGORITHMS;
    case 'rsa-pss': {
      // A PSS-restricted key is only usable with the parameters PS256 requires.
      const hashOk = details.hashAlgorithm === undefined || details.hashAlgorithm === 'sha256';
      return (details.modulusLength ?? 0) >= MIN_RSA_BITS && hashOk ? RSA_PSS : NO_ALGORITHMS;
    }
    case 'ed25519':
      return ED25519;
    default:
      return NO_ALGORITHMS;
  }
}

function signatureIsValid(alg: string, data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    switch (alg) {
      case 'ES256':
        // JWS uses the raw r||s form (RFC 7518 section 3.4), not DER.
        return cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'RS256':
        return cryptoVerify('sha256', data, key, signature);
      case 'PS256':
        // RFC 7518 section 3.5: MGF1 with SHA-256 and a salt as long as the hash.
        return cryptoVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      case 'EdDSA':
        return cryptoVerify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}
