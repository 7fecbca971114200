import type { ClientRecord } from '../../clients/client.js';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { ClientAuthRequest, ClientAuthServices, PresentedCredentials } from './context.js';
import { readClientSecretBasic } from './client-secret-basic.js';
import { readClientSecretPost } from './client-secret-post.js';
import { readPrivateKeyJwt } from './private-key-jwt.js';

/** Works out which single authentication method a request uses (RFC 6749 section 2.3: only one). */
export function presentedCredentials(request: ClientAuthRequest): PresentedCredentials {
  const { params, authorization } = request;
  const used = [
    authorization !== undefined,
    params.has('client_secret'),
    params.has('client_assertion') || params.has('client_assertion_type'),
  ].filter(Boolean).length;
  if (used > 1) throw new InvalidRequest('more than one client authentication method used');
  if (authorization !== undefined) return readClientSecretBasic(authorization, params.get('client_id'));
  if (params.has('client_secret')) return readClientSecretPost(params);
  if (params.has('client_assertion') || params.has('client_assertion_type')) return readPrivateKeyJwt(params);
  throw new InvalidClient('client authentication required');
}

/** Verifies the presented credentials against the registered client and its registered method. */
export async function verifyCredentials(credentials: PresentedCredentials, services: ClientAuthServices): Promise<ClientRecord> {
  const client = services.findClient(credentials.clientId);
  if (!client) throw new InvalidClient('client authentication failed');
  if (client.authMethod !== credentials.method) {
    throw new InvalidClient(`this client must authenticate with ${client.authMethod}`);
  }
  await credentials.verify(client, services);
  return client;
}
