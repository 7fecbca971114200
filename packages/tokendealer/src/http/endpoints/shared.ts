import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequest, OAuthError } from '../../oauth/errors.js';
import type { FormParameters } from '../../oauth/parameters.js';
import type { ClientAuthRequest } from '../../oauth/client-auth/context.js';
import { clientAddress } from '../client-address.js';

/** Responses carrying tokens or token state must not be cached (RFC 6749 section 5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function clientAuthRequest(request: FastifyRequest, params: FormParameters): ClientAuthRequest {
  return { params, authorization: request.headers.authorization, ip: clientAddress(request) };
}

export function formParameters(request: FastifyRequest): FormParameters {
  const params = request.body as FormParameters | undefined;
  if (!params) throw new InvalidRequest('request body must be application/x-www-form-urlencoded');
  return params;
}

class MethodNotAllowed extends OAuthError {
  readonly code = 'invalid_request';
  override readonly status = 405;

  constructor(private readonly allowed: string) {
    super(`use ${allowed} for this endpoint`);
  }

  override headers(): Record<string, string> {
    return { allow: this.allowed };
  }
}

/** A wrong method gets 405 with Allow, not a 404. */
export function refuseOtherMethods(app: FastifyInstance, path: string, allowed: string): void {
  const others = ['GET', 'PUT', 'DELETE', 'PATCH'].filter((method) => method !== allowed);
  app.route({
    method: others,
    url: path,
    handler: async () => {
      throw new MethodNotAllowed(allowed);
    },
  });
}
