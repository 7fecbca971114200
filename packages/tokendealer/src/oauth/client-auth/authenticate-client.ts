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
  // RFC 6749 section 2.1: a public client only identifies itself; PKCE binds its codes instead.
  const clientId = params.get('client_id');
  if (clientId !== undefined) return { method: 'none', clientId, verify: () => {} };
  throw new InvalidClient('client authentication required');
}

/** What every failed client authentication answers, whatever the reason (which goes to the log). */
export const CLIENT_AUTHENTICATION_FAILED = 'client authentication failed';

const SECRET_METHODS: ReadonlySet<string> = new Set(['client_secret_basic', 'client_secret_post']);

/** Whether a client may use a method: RFC 6749 section 2.3.1 makes Basic a must for every client with a secret. */
export function methodAllowed(client: ClientRecord, method: ClientRecord['authMethod']): boolean {
  return client.authMethod === method || (SECRET_METHODS.has(client.authMethod) && SECRET_METHODS.has(method));
}

/**
 * Verifies the presented credentials against the registered client. Every failure reads the
 * same from outside, so that nobody learns which client ids exist or how they authenticate.
 */
export async function verifyCredentials(credentials: PresentedCredentials, client: ClientRecord | undefined, services: ClientAuthServices): Promise<ClientRecord> {
  if (!client || !methodAllowed(client, credentials.method)) throw new InvalidClient(CLIENT_AUTHENTICATION_FAILED);
  await credentials.verify(client, services);
  return client;
}
