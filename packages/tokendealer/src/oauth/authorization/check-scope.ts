import type { ClientRecord } from '../../clients/client.js';
import { grantScopes } from '../scope.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** RFC 6749 section 3.3: the requested scopes must be allowed for the client; none requested means all of them. */
export function checkScope(params: AuthorizationParameters, client: ClientRecord): string[] {
  return grantScopes(params.get('scope'), client.scopes);
}
