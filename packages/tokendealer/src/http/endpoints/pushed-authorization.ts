import type { FastifyInstance } from 'fastify';
import { nowSeconds, type TokenDealer } from '../../tokendealer.js';
import { InvalidRequest } from '../../oauth/errors.js';
import { AuthorizationParameters } from '../../oauth/authorization/authorization-parameters.js';
import { validateAuthorizationRequest } from '../../oauth/authorization/authorization-request.js';
import { AuthorizationErrorResponse } from '../../oauth/authorization/authorization-error-response.js';
import { PUSHED_REQUEST_LIFETIME_SECONDS, storePushedRequest } from '../../oauth/authorization/pushed-request.js';
import { clientAuthRequest, formParameters, NO_STORE, refuseOtherMethods } from './shared.js';

/**
 * RFC 9126: the client pushes its authorization request, authenticated as at the token
 * endpoint, and gets a short-lived, single-use request_uri for the authorization endpoint.
 * The parameters are checked as /oauth/authorize checks them, errors answered as JSON.
 */
export function pushedAuthorizationEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  app.post(path, async (request, reply) => {
    const params = formParameters(request);
    const client = await tokenDealer.authenticateClient(clientAuthRequest(request, params));
    // RFC 9126 section 2.1: client_id, when sent, names the authenticated client.
    const claimed = params.get('client_id');
    if (claimed !== undefined && claimed !== client.clientId) throw new InvalidRequest('client_id differs from the authenticated client');
    const pushed = AuthorizationParameters.from([
      ...params.names().filter((name) => name !== 'client_id').map((name): [string, string[]] => [name, params.getAll(name)]),
      ['client_id', [client.clientId]],
    ]);
    try {
      validateAuthorizationRequest(pushed, client, { pushed: true, pkceOptionalForConfidential: tokenDealer.config.pkceOptionalForConfidentialClients });
    } catch (error) {
      // RFC 9126 section 2.3: the errors of the authorization endpoint, as a JSON response.
      if (error instanceof AuthorizationErrorResponse) throw error.error;
      throw error;
    }
    const requestUri = await storePushedRequest(tokenDealer, client, pushed, nowSeconds());
    return reply.code(201).headers(NO_STORE).send({ request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS });
  });
  refuseOtherMethods(app, path, 'POST');
}
