import type { Grant } from './grant.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { refreshTokenGrant } from './refresh-token.js';

/** The grants this server composes; adding a grant adds a file and a line here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map(
  [clientCredentialsGrant, authorizationCodeGrant, refreshTokenGrant].map((grant) => [grant.grantType, grant]),
);
