// Minting ES256 JWT access tokens with node:crypto alone, in TokenDealer's format
// (RFC 9068: header {alg, typ: "at+jwt", kid}; claims iss, sub, aud, exp, iat, jti, client_id, scope).
// Shared by the bare token server (the throughput limit) and the guard bench (pre-minted tokens).
import { randomBytes, sign, type KeyObject } from 'node:crypto';

export interface AccessTokenFields {
  issuer: string;
  clientId: string;
  audience: string;
  scope: string;
  lifetimeSeconds: number;
}

/** The base64url JOSE header, computed once per key like TokenDealer does. */
export function encodeHeader(kid: string): string {
  return Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString('base64url');
}

export function mintAccessToken(privateKey: KeyObject, encodedHeader: string, fields: AccessTokenFields): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: fields.issuer,
    sub: fields.clientId,
    aud: fields.audience,
    exp: now + fields.lifetimeSeconds,
    iat: now,
    jti: randomBytes(16).toString('base64url'),
    client_id: fields.clientId,
    scope: fields.scope,
  };
  const signingInput = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  // JWS wants the raw r||s signature (RFC 7518 section 3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Header and claim names of a compact JWT, to check two token formats have the same shape. */
export function tokenShape(token: string): { header: string[]; claims: string[] } {
  const [header = '', payload = ''] = token.split('.');
  const decode = (part: string) => Object.keys(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as object).sort();
  return { header: decode(header), claims: decode(payload) };
}
