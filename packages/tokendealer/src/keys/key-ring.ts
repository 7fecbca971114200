import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { StoredKey } from '../storage/key-store.js';
import type { KeyEncryption } from '../crypto/key-encryption.js';
import { ID_TOKEN_ALGORITHMS, type IdTokenAlgorithm, type SigningAlgorithm } from './algorithms.js';
import { publicKeyFromJwk, toSigningKey, type SigningKey } from './signing-key.js';

/** Seconds a retired key stays published after the last token it could have signed expires. */
export const RETIRED_KEY_GRACE_SECONDS = 60;

/** Whether a key belongs in the JWKS: next and active keys, and retired keys until their tokens have expired. */
export function isPublished(key: StoredKey, now: number, accessTokenTtl: number): boolean {
  if (key.state !== 'retired') return true;
  return (key.retired_at ?? 0) + accessTokenTtl + RETIRED_KEY_GRACE_SECONDS > now;
}

function newestActive(stored: StoredKey[], alg: SigningAlgorithm): StoredKey | undefined {
  return stored.filter((key) => key.state === 'active' && key.alg === alg).sort((a, b) => (b.activated_at ?? 0) - (a.activated_at ?? 0))[0];
}

/** The keys one server works with, rebuilt whenever the stored keys change. */
export class KeyRing {
  private constructor(
    readonly signingKey: SigningKey,
    private readonly idTokenKeys: ReadonlyMap<IdTokenAlgorithm, SigningKey>,
    readonly jwks: { keys: JWK[] },
    private readonly publicKeys: Map<string, { alg: string; key: KeyObject }>,
  ) {}

  static load(stored: StoredKey[], encryption: KeyEncryption, alg: SigningAlgorithm, now: number, accessTokenTtl: number): KeyRing {
    const active = newestActive(stored, alg);
    if (!active) throw new Error(`no active ${alg} signing key`);
    const published = stored.filter((key) => isPublished(key, now, accessTokenTtl));
    const jwks = published.map((key) => JSON.parse(key.public_jwk) as JWK);
    const publicKeys = new Map(published.map((key) => [key.kid, { alg: key.alg, key: publicKeyFromJwk(JSON.parse(key.public_jwk) as JWK) }]));
    const open = (key: StoredKey): SigningKey => toSigningKey(key.kid, key.alg as SigningAlgorithm, encryption.open(key.kid, key.private_key));
    const idTokenKeys = new Map(
      ID_TOKEN_ALGORITHMS.map((idTokenAlg) => {
        const key = newestActive(stored, idTokenAlg);
        if (!key) throw new Error(`no active ${idTokenAlg} signing key for ID tokens`);
        return [idTokenAlg, key.kid === active.kid ? undefined : open(key)] as const;
      }),
    );
    const signingKey = open(active);
    return new KeyRing(
      signingKey,
      new Map([...idTokenKeys].map(([idTokenAlg, key]) => [idTokenAlg, key ?? signingKey])),
      { keys: jwks },
      publicKeys,
    );
  }

  /** The key that signs ID tokens with this algorithm (the same rotation as access token keys). */
  idTokenKey(alg: IdTokenAlgorithm): SigningKey {
    return this.idTokenKeys.get(alg)!;
  }

  /** A published public key, for verifying our own tokens at introspection and revocation. */
  publicKey(kid: string | undefined, alg: string): KeyObject | undefined {
    if (kid === undefined) return undefined;
    const entry = this.publicKeys.get(kid);
    return entry && entry.alg === alg ? entry.key : undefined;
  }
}
