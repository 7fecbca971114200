import { constants, createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningAlgorithm } from './algorithms.js';

/** A private key ready to sign, with its JOSE header encoded once. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  /** base64url of {"alg","typ":"at+jwt","kid"} (RFC 9068 section 2.1). */
  encodedHeader: string;
}

export function toSigningKey(kid: string, alg: SigningAlgorithm, privateKeyPem: string): SigningKey {
  const header = JSON.stringify({ alg, typ: 'at+jwt', kid });
  return { kid, alg, privateKey: createPrivateKey(privateKeyPem), encodedHeader: Buffer.from(header).toString('base64url') };
}

export function signWith(key: SigningKey, data: string): Buffer {
  switch (key.alg) {
    case 'ES256':
      return sign('sha256', Buffer.from(data), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
      return sign('sha256', Buffer.from(data), key.privateKey);
    case 'PS256':
      return sign('sha256', Buffer.from(data), { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'EdDSA':
      return sign(null, Buffer.from(data), key.privateKey);
  }
}

/** The public half as a JWK for the JWKS (RFC 7517): kid, alg and use, never private members. */
export function publicJwk(kid: string, alg: SigningAlgorithm, publicKey: KeyObject): JWK {
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid, alg, use: 'sig' };
}

export function publicKeyFromJwk(jwk: JWK): KeyObject {
  return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
}
