// The issuer's public signing keys (RFC 7517 JWK Set), discovered via RFC 8414 metadata,
// imported once into KeyObjects and served synchronously from memory.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { KeySourceError } from './errors.js';
import { DEFAULT_TIMEOUT_MS, fetchJson, isJsonObject } from './fetch-json.js';
import { keySupportsAlgorithm } from './jwt.js';
import { fetchAuthorizationServerMetadata } from './metadata.js';

export interface JwksKeySourceOptions {
  /** The issuer whose metadata names the `jwks_uri`. */
  issuer: string;
  /** Minimum time between two fetches caused by unknown key ids; default 5 s. */
  cooldownMs?: number;
  /**
   * After this age the next use refreshes the key set in the background; default 4 min, under the
   * 5 minutes TokenDealer publishes a key before it signs with it, so a guard in use has the new key
   * before its first token without relying on the refetch for an unknown kid.
   */
  maxAgeMs?: number;
  /** Timeout of each HTTP request; default 5 s. */
  timeoutMs?: number;
}

interface ImportedKey {
  readonly key: KeyObject;
  /** The JWK's `alg`, when it pins one (RFC 7517 section 4.4). */
  readonly alg: string | undefined;
}

interface KeySet {
  readonly byId: ReadonlyMap<string, ImportedKey>;
  readonly all: readonly ImportedKey[];
}

const EMPTY_KEY_SET: KeySet = { byId: new Map(), all: [] };

export const DEFAULT_MAX_AGE_MS = 4 * 60 * 1000;

export class JwksKeySource {
  readonly issuer: string;
  readonly #cooldownMs: number;
  readonly #maxAgeMs: number;
  readonly #timeoutMs: number;

  #keys: KeySet = EMPTY_KEY_SET;
  /** Imported keys by their JWK JSON, so an unchanged key keeps its KeyObject across refreshes. */
  #imported = new Map<string, KeyObject>();
  #jwksUri: string | undefined;
  #loadedAt: number | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;
  #inflight: Promise<void> | undefined;

  constructor(options: JwksKeySourceOptions) {
    if (typeof options.issuer !== 'string' || options.issuer === '') {
      throw new TypeError('JwksKeySource: issuer must be a non-empty string');
    }
    this.issuer = options.issuer;
    this.#cooldownMs = options.cooldownMs ?? 5000;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** True once a key set has been fetched successfully. */
  get loaded(): boolean {
    return this.#loadedAt !== undefined;
  }

  /**
   * The key for a token header, from memory. A token without `kid` gets a key only when exactly
   * one key fits its algorithm. A stale key set is refreshed in the background, never awaited here.
   */
  resolve(kid: string | undefined, alg: string): KeyObject | undefined {
    if (this.#isStale() && this.#inflight === undefined && !this.#coolingDown()) {
      // Failures keep the current keys; the next use after the cooldown tries again.
      this.#startFetch().catch(() => {});
    }
    if (kid !== undefined) {
      const found = this.#keys.byId.get(kid);
      return found !== undefined && (found.alg === undefined || found.alg === alg) ? found.key : undefined;
    }
    const candidates = this.#keys.all.filter((k) => (k.alg === undefined || k.alg === alg) && keySupportsAlgorithm(k.key, alg));
    return candidates.length === 1 ? candidates[0]?.key : undefined;
  }

  /**
   * Resolves once keys are loaded (fetching them the first time).
   * While the first load keeps failing, callers within the cooldown get the last error instead of a new request.
   */
  ready(): Promise<void> {
    if (this.#loadedAt !== undefined) return Promise.resolve();
    if (this.#inflight !== undefined) return this.#inflight;
    if (this.#coolingDown() && this.#lastError !== undefined) return Promise.reject(this.#lastError);
    return this.#startFetch();
  }

  /**
   * Called after a token named a key we do not have (e.g. right after a rotation).
   * Refetches at most once per cooldown; concurrent callers share one request.
   * Returns whether a new key set arrived, i.e. whether resolving again can help.
   */
  async refreshForUnknownKey(): Promise<boolean> {
    const pending = this.#inflight ?? (this.#coolingDown() ? undefined : this.#startFetch());
    if (pending === undefined) return false;
    try {
      await pending;
      return true;
    } catch {
      return false;
    }
  }

  /** Fetches the key set now, ignoring the cooldown (joins a fetch already in flight). */
  refresh(): Promise<void> {
    return this.#inflight ?? this.#startFetch();
  }

  #isStale(): boolean {
    return this.#loadedAt !== undefined && Date.now() - this.#loadedAt > this.#maxAgeMs;
  }

  #coolingDown(): boolean {
    return Date.now() - this.#lastAttemptAt < this.#cooldownMs;
  }

  #startFetch(): Promise<void> {
    this.#lastAttemptAt = Date.now();
    const fetching = this.#fetchKeySet()
      .then(
        (keys) => {
          this.#keys = keys;
          this.#loadedAt = Date.now();
          this.#lastError = undefined;
        },
        (error: unknown) => {
          this.#lastError = error;
          throw error;
        },
      )
      .finally(() => {
        this.#inflight = undefined;
      });
    this.#inflight = fetching;
    return fetching;
  }

  async #fetchKeySet(): Promise<KeySet> {
    if (this.#jwksUri === undefined) {
      try {
        const metadata = await fetchAuthorizationServerMetadata(this.issuer, this.#timeoutMs);
        if (metadata.jwks_uri === undefined) throw new Error('metadata has no jwks_uri');
        this.#jwksUri = metadata.jwks_uri;
      } catch (error) {
        throw new KeySourceError(`cannot discover the keys of ${this.issuer}: ${messageOf(error)}`, { cause: error });
      }
    }
    const jwksUri = this.#jwksUri;
    try {
      const { status, body } = await fetchJson(jwksUri, { timeoutMs: this.#timeoutMs });
      if (status !== 200) throw new Error(`HTTP ${status}`);
      if (!isJsonObject(body) || !Array.isArray(body.keys)) throw new Error('not a JWK Set');
      const keys = this.#importKeys(body.keys);
      // An empty set is never a legitimate rotation; keeping the old keys is safer than refusing everything.
      if (keys.all.length === 0) throw new Error('no usable signing keys');
      return keys;
    } catch (error) {
      // The metadata may have moved the key set: discover again next time.
      this.#jwksUri = undefined;
      throw new KeySourceError(`cannot load the JWK Set at ${jwksUri}: ${messageOf(error)}`, { cause: error });
    }
  }

  #importKeys(jwks: unknown[]): KeySet {
    const byId = new Map<string, ImportedKey>();
    const all: ImportedKey[] = [];
    const imported = new Map<string, KeyObject>();
    for (const jwk of jwks) {
      if (!isJsonObject(jwk)) continue;
      // RFC 7517 sections 4.2 and 4.3: only keys meant for signature verification.
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) continue;
      if (jwk.kid !== undefined && typeof jwk.kid !== 'string') continue;
      if (jwk.alg !== undefined && typeof jwk.alg !== 'string') continue;
      const fingerprint = JSON.stringify(jwk);
      const key = imported.get(fingerprint) ?? this.#imported.get(fingerprint) ?? importPublicKey(jwk);
      if (key === undefined) continue;
      imported.set(fingerprint, key);
      const entry: ImportedKey = { key, alg: jwk.alg };
      all.push(entry);
      // With duplicate kids the first one wins, like a lookup by kid in the published order would.
      if (jwk.kid !== undefined && !byId.has(jwk.kid)) byId.set(jwk.kid, entry);
    }
    this.#imported = imported;
    return { byId, all };
  }
}

function importPublicKey(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return key.type === 'public' ? key : undefined;
  } catch {
    // Unknown key types or broken members: skip the key, keep the rest of the set usable.
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
