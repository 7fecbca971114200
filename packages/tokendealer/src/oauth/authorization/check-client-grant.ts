import type { ClientRecord } from '../../clients/client.js';
import { UnauthorizedClient } from '../errors.js';

/** RFC 6749 section 4.1.2.1: the client must be registered for the authorization code grant. */
export function checkClientGrant(client: ClientRecord): void {
  if (!client.grantTypes.includes('authorization_code')) throw new UnauthorizedClient('this client may not use the authorization code grant');
}
