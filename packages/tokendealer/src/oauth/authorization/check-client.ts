import type { ClientRecord } from '../../clients/client.js';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** RFC 6749 section 4.1.2.1: a missing or unknown client_id is told to the user, never redirected. */
export function checkClient(params: AuthorizationParameters, findClient: (clientId: string) => ClientRecord | undefined): ClientRecord {
  const clientId = params.get('client_id');
  if (clientId === undefined) throw new InvalidRequest('missing required parameter client_id');
  const client = findClient(clientId);
  if (!client) throw new InvalidClient('unknown client_id');
  return client;
}
