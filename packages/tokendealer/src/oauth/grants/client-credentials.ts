import { issueAccessToken } from '../../tokens/jwt-access-token.js';
import { nowSeconds } from '../../tokendealer.js';
import { selectAudience } from '../audience.js';
import { grantScopes } from '../scope.js';
import type { Grant } from './grant.js';

/** RFC 6749 section 4.4: a client acting on its own behalf; the token's subject is the client. */
export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  parameters: ['scope', 'audience', 'resource'],
  handle({ tokenDealer, client, params }) {
    const scopes = grantScopes(params.get('scope'), client.scopes);
    const audience = selectAudience(params, client);
    const lifetime = tokenDealer.config.accessTokenTtl;
    const { token } = issueAccessToken(tokenDealer.keyRing.signingKey, {
      issuer: tokenDealer.issuer,
      subject: client.clientId,
      clientId: client.clientId,
      audience,
      scopes,
      lifetimeSeconds: lifetime,
      now: nowSeconds(),
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetime,
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    };
  },
};
