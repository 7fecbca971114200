import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ClientRecord } from '../../clients/client.js';
import type { AssertionStore } from '../../storage/assertion-store.js';
import { InvalidClient } from '../errors.js';

const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'PS384', 'RS256', 'RS384', 'EdDSA'];
/** An assertion may not claim to live longer than this: it bounds the replay table. */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 10;

/**
 * Verifies private_key_jwt client assertions (RFC 7523 section 3): signature by a key the client
 * registered, iss = sub = client_id, aud naming this server, exp present and near, jti unused.
 */
export class AssertionVerifier {
  private readonly keySets = new Map<string, { source: string; keys: JWTVerifyGetKey }>();

  constructor(
    private readonly audiences: string[],
    private readonly replays: AssertionStore,
  ) {}

  async verify(client: ClientRecord, assertion: string, now = Math.floor(Date.now() / 1000)): Promise<void> {
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, this.keySet(client), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now * 1000),
      }));
    } catch (error) {
      throw new InvalidClient(`client_assertion rejected: ${describe(error)}`);
    }
    const expiresAt = payload.exp!;
    if (expiresAt > now + MAX_ASSERTION_LIFETIME_SECONDS) {
      throw new InvalidClient(`client_assertion expires too far in the future (more than ${MAX_ASSERTION_LIFETIME_SECONDS} s)`);
    }
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) {
      throw new InvalidClient('client_assertion jti must be a string of 1 to 256 characters');
    }
    if (!(await this.replays.markUsed(client.clientId, payload.jti, expiresAt + CLOCK_TOLERANCE_SECONDS))) {
      throw new InvalidClient('client_assertion was already used (jti replay)');
    }
  }

  private keySet(client: ClientRecord): JWTVerifyGetKey {
    const source = client.jwksUri ?? JSON.stringify(client.jwks);
    const cached = this.keySets.get(client.clientId);
    if (cached && cached.source === source) return cached.keys;
    let keys: JWTVerifyGetKey;
    if (client.jwksUri) {
      keys = createRemoteJWKSet(new URL(client.jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    } else if (client.jwks) {
      keys = createLocalJWKSet(client.jwks);
    } else {
      throw new InvalidClient('client has no registered keys');
    }
    this.keySets.set(client.clientId, { source, keys });
    return keys;
  }

  /** Drops cached key sets of clients that no longer exist. */
  retain(clientIds: Set<string>): void {
    for (const clientId of this.keySets.keys()) if (!clientIds.has(clientId)) this.keySets.delete(clientId);
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason === 'check_failed' ? 'invalid' : 'missing'}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no registered key matches';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'client keys unavailable';
  if (error instanceof errors.JOSEError) return 'malformed';
  return 'client keys unavailable';
}
