// Bearer token checks at the edge (RFC 6750), with @runnerly/guard: the upstream never sees a
// request whose token is missing, invalid or short of scopes. Verifiers (and with them the JWKS
// and the verified-token cache) are kept per (issuer, audience) across configuration reloads.
import type { ServerResponse } from 'node:http';
import {
  createVerifier,
  errorResponse,
  GuardError,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type VerifyOptions,
} from '@runnerly/guard';
import type { RouteAuth } from '../config/types.js';
import { sendProblem } from './problem.js';

export class VerifierRegistry {
  readonly #verifiers = new Map<string, AccessTokenVerifier>();

  get(auth: RouteAuth): AccessTokenVerifier {
    const id = JSON.stringify([auth.issuer, auth.audience]);
    let verifier = this.#verifiers.get(id);
    if (verifier === undefined) {
      verifier = createVerifier({ issuer: auth.issuer, audience: auth.audience });
      this.#verifiers.set(id, verifier);
    }
    return verifier;
  }
}

/** A route's token check: its verifier, required scopes and challenge realm, prepared once. */
export class RouteAuthenticator {
  readonly realm: string;
  readonly #verifier: AccessTokenVerifier;
  readonly #options: VerifyOptions;

  constructor(auth: RouteAuth, verifier: AccessTokenVerifier) {
    this.realm = auth.realm;
    this.#verifier = verifier;
    this.#options = { scopes: auth.scopes };
  }

  verify(token: string): Promise<AccessTokenClaims> {
    return this.#verifier.verify(token, this.#options);
  }

  /**
   * Answers a failed check: 400/401/403 with the RFC 6750 challenge for a client error, 503 when
   * the issuer's keys cannot be obtained (not the client's fault). Returns a reason for logs.
   */
  refuse(res: ServerResponse, error: unknown): string {
    if (error instanceof GuardError) {
      const answer = errorResponse(error, this.realm);
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...answer.headers,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return error.code;
    }
    sendProblem(res, 503, 'the access token cannot be checked now: the issuer keys are unavailable');
    return 'keys-unavailable';
  }
}

/** The verified identity for the upstream, as headers only the gateway sets (incoming x-runnerly-* are stripped). */
export function identityHeaders(claims: AccessTokenClaims): string[] {
  return ['x-runnerly-sub', claims.sub, 'x-runnerly-client-id', claims.client_id, 'x-runnerly-scope', claims.scopes.join(' ')];
}
