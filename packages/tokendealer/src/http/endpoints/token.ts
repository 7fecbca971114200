import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenDealer } from '../../tokendealer.js';
import { GRANTS } from '../../oauth/grants/index.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../oauth/errors.js';
import type { FormParameters } from '../../oauth/parameters.js';
import { clientAuthRequest, NO_STORE, refuseOtherMethods } from './shared.js';
import { allowClientOrigin } from '../cors.js';
import { replayLeanReadBody } from '../lean-token-endpoint.js';

/** RFC 6749 section 3.2: the token endpoint. */
export function tokenEndpoint(app: FastifyInstance, tokenDealer: TokenDealer, path: string): void {
  // The body may have been read already, by the lean path that then left the request to this route.
  app.post(path, { preParsing: replayLeanReadBody }, async (request: FastifyRequest, reply) => {
    const params = request.body as FormParameters | undefined;
    if (!params) throw new InvalidRequest('request body must be application/x-www-form-urlencoded');
    const grantType = params.get('grant_type');
    if (grantType === undefined) throw new InvalidRequest('missing required parameter grant_type');
    const grant = GRANTS.get(grantType);
    if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType.slice(0, 64)} is not supported`);

    const client = await tokenDealer.authenticateClient(clientAuthRequest(request, params));
    if (!client.grantTypes.includes(grantType)) {
      throw new UnauthorizedClient(`this client may not use the ${grantType} grant`);
    }
    const response = await grant.handle({ tokenDealer, client, params });
    tokenDealer.metrics.tokensIssued.inc(grantType);
    if (request.headers.origin !== undefined) allowClientOrigin(request, reply, client);
    return reply.headers(NO_STORE).send(response);
  });
  refuseOtherMethods(app, path, 'POST');
}
