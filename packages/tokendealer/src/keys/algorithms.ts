import { generateKeyPair as generateKeyPairAsync, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

// Asymmetric only (RFC 9700 section 2.7, FAPI 2.0): never none, never HMAC.
export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function generateKeyPair(alg: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

/** ID tokens: RS256 as OpenID Connect Core section 15.1 requires every provider to offer, and ES256. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256'] as const satisfies readonly SigningAlgorithm[];
export type IdTokenAlgorithm = (typeof ID_TOKEN_ALGORITHMS)[number];

/** The algorithms an installation keeps keys for: its access tokens' first, then the ID tokens'. */
export function keyAlgorithms(accessTokenAlg: SigningAlgorithm): SigningAlgorithm[] {
  return [...new Set<SigningAlgorithm>([accessTokenAlg, ...ID_TOKEN_ALGORITHMS])];
}

export type KeyPairGenerator = (alg: SigningAlgorithm) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

const generateAsync = promisify(generateKeyPairAsync);

/**
 * Off the event loop: a 2048-bit RSA key takes a second or more, which a running server
 * rotating its keys must not spend blocking its requests.
 */
export const generateKeyPairInBackground: KeyPairGenerator = async (alg) => {
  switch (alg) {
    case 'ES256':
      return generateAsync('ec', { namedCurve: 'P-256' });
    case 'RS256':
    case 'PS256':
      return generateAsync('rsa', { modulusLength: 2048 });
    case 'EdDSA':
      return generateAsync('ed25519');
  }
};
