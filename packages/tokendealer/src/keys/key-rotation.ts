// Key lifecycle: next (published, not signing) -> active (signing) -> retired (published until
// every token it signed has expired) -> deleted. Rotation promotes the key that has already
// been published, so no verifier meets an unknown kid.
import { randomIdentifier } from '../crypto/random.js';
import type { KeyEncryption } from '../crypto/key-encryption.js';
import { ConcurrentKeyChangeError, type KeyStateChange, type KeyStore, type StoredKey } from '../storage/key-store.js';
import { generateKeyPairInBackground, type KeyPairGenerator, type SigningAlgorithm } from './algorithms.js';
import { isPublished } from './key-ring.js';
import { publicJwk } from './signing-key.js';

async function newKey(alg: SigningAlgorithm, state: 'next' | 'active', now: number, encryption: KeyEncryption, generate: KeyPairGenerator): Promise<StoredKey> {
  const kid = randomIdentifier(12);
  const { privateKey, publicKey } = await generate(alg);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    kid,
    alg,
    state,
    public_jwk: JSON.stringify(publicJwk(kid, alg, publicKey)),
    private_key: encryption.seal(kid, pem),
    created_at: now,
    activated_at: state === 'active' ? now : null,
    retired_at: null,
  };
}

async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentKeyChangeError) || tries >= 5) throw error;
    }
  }
}

/**
 * On start: an active and a next key for each algorithm the installation signs with (its access
 * tokens' and the ID tokens'); keys of other algorithms retire.
 */
export async function ensureSigningKeys(
  store: KeyStore,
  encryption: KeyEncryption,
  algs: readonly SigningAlgorithm[],
  now: number,
  generate: KeyPairGenerator = generateKeyPairInBackground,
): Promise<boolean> {
  return withRetry(async () => {
    const keys = await store.list();
    const changes: KeyStateChange[] = keys
      .filter((key) => !algs.includes(key.alg as SigningAlgorithm) && key.state === 'active')
      .map((key) => ({ kid: key.kid, from: 'active', to: 'retired', at: now }));
    const deletes = keys.filter((key) => !algs.includes(key.alg as SigningAlgorithm) && key.state === 'next').map((key) => key.kid);
    const inserts: StoredKey[] = [];
    for (const alg of algs) {
      const hasActive = keys.some((key) => key.alg === alg && key.state === 'active');
      const next = keys.find((key) => key.alg === alg && key.state === 'next');
      if (!hasActive && next) {
        changes.push({ kid: next.kid, from: 'next', to: 'active', at: now });
        inserts.push(await newKey(alg, 'next', now, encryption, generate));
      } else {
        if (!hasActive) inserts.push(await newKey(alg, 'active', now, encryption, generate));
        if (!next) inserts.push(await newKey(alg, 'next', now, encryption, generate));
      }
    }
    if (changes.length === 0 && inserts.length === 0 && deletes.length === 0) return false;
    await store.apply(changes, inserts, deletes);
    return true;
  });
}

/** The kids a rotation touched, over every algorithm it rotated. */
export interface RotationResult {
  activated: string[];
  retired: string[];
  next: string[];
}

/**
 * A next key younger than this may still be missing from the JWKS copies verifiers cache
 * (the JWKS is served with max-age=300), so promoting it needs `force`.
 */
export const MIN_NEXT_KEY_AGE_SECONDS = 300;

export class RotationTooSoonError extends Error {}

/**
 * For each algorithm with an active key (the access tokens' and the ID tokens'), in one
 * transaction: promotes the published next key to signing, retires the active one, and
 * publishes a new next key.
 */
export async function rotateSigningKeys(
  store: KeyStore,
  encryption: KeyEncryption,
  now: number,
  options: { force?: boolean; generate?: KeyPairGenerator } = {},
): Promise<RotationResult> {
  const generate = options.generate ?? generateKeyPairInBackground;
  return withRetry(async () => {
    const keys = await store.list();
    const active = keys.filter((key) => key.state === 'active');
    const algs = [...new Set(active.map((key) => key.alg as SigningAlgorithm))];
    if (algs.length === 0) throw new RotationTooSoonError('there is no active signing key yet: start the server once first');
    const changes: KeyStateChange[] = active.map((key): KeyStateChange => ({ kid: key.kid, from: 'active', to: 'retired', at: now }));
    const inserts: StoredKey[] = [];
    const result: RotationResult = { activated: [], retired: active.map((key) => key.kid), next: [] };
    for (const alg of algs) {
      const next = keys.find((key) => key.alg === alg && key.state === 'next');
      if (next && !options.force && now - next.created_at < MIN_NEXT_KEY_AGE_SECONDS) {
        throw new RotationTooSoonError(
          `the next ${alg} key was published ${now - next.created_at} s ago; verifiers may cache the JWKS for ${MIN_NEXT_KEY_AGE_SECONDS} s (use force to rotate anyway)`,
        );
      }
      if (next) {
        changes.push({ kid: next.kid, from: 'next', to: 'active', at: now });
        result.activated.push(next.kid);
      } else {
        const replacement = await newKey(alg, 'active', now, encryption, generate);
        inserts.push(replacement);
        result.activated.push(replacement.kid);
      }
      const upcoming = await newKey(alg, 'next', now, encryption, generate);
      inserts.push(upcoming);
      result.next.push(upcoming.kid);
    }
    await store.apply(changes, inserts);
    return result;
  });
}

/** Deletes retired keys once no unexpired token can carry their kid. */
export async function pruneRetiredKeys(store: KeyStore, now: number, accessTokenTtl: number): Promise<string[]> {
  const expired = (await store.list()).filter((key) => !isPublished(key, now, accessTokenTtl)).map((key) => key.kid);
  if (expired.length > 0) await store.apply([], [], expired);
  return expired;
}
