// Signing keys and token minting for tests. Tokens are minted with jose, an implementation
// independent of the verifier under test; only deliberately broken tokens are built by hand.
import { constants, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters } from 'jose';
import type { SupportedAlgorithm } from '../../src/index.js';

export interface SigningKey {
  readonly kid: string;
  readonly alg: SupportedAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

let kidCounter = 0;

export function generateSigningKey(alg: SupportedAlgorithm, kid = `${alg.toLowerCase()}-${++kidCounter}`): SigningKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** The key as published in a JWKS. */
export function publicJwk(key: SigningKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: key.alg, use: 'sig', ...extra };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface MintOptions {
  issuer: string;
  audience?: string | string[];
  /** Claims added to (or, when undefined, removed from) the default RFC 9068 claim set. */
  claims?: Record<string, unknown>;
  /** Header parameters added to (or, when undefined, removed from) alg/typ/kid. */
  header?: Record<string, unknown>;
}

export function defaultClaims(options: MintOptions): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: options.issuer,
    sub: 'runner-42',
    aud: options.audience ?? 'https://runs.runnerly.test',
    exp: now + 300,
    iat: now,
    jti: randomUUID(),
    client_id: 'runs-app',
    scope: 'runs:read runs:write',
  };
}

function merge(base: Record<string, unknown>, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** A well-formed RFC 9068 access token signed with jose. */
export async function mintToken(key: SigningKey, options: MintOptions): Promise<string> {
  const header = merge({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, options.header) as JWTHeaderParameters;
  return new SignJWT(merge(defaultClaims(options), options.claims)).setProtectedHeader(header).sign(key.privateKey);
}

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * Signs arbitrary header JSON and payload text with node:crypto, for tokens jose refuses to produce
 * (critical headers, small RSA keys, payloads that are not JSON objects).
 */
export function signRaw(alg: SupportedAlgorithm, privateKey: KeyObject, header: Record<string, unknown>, payload: string): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  const data = Buffer.from(signingInput);
  const signature =
    alg === 'ES256'
      ? sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : alg === 'PS256'
        ? sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
        : alg === 'EdDSA'
          ? sign(null, data, privateKey)
          : sign('sha256', data, privateKey);
  return `${signingInput}.${b64url(signature)}`;
}
