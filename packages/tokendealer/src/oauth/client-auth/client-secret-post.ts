import type { FormParameters } from '../parameters.js';
import type { PresentedCredentials } from './context.js';
import { verifySecret } from './verify-secret.js';

/** RFC 6749 section 2.3.1: client_id and client_secret in the request body. */
export function readClientSecretPost(params: FormParameters): PresentedCredentials {
  const clientId = params.require('client_id');
  const secret = params.require('client_secret');
  return {
    method: 'client_secret_post',
    clientId,
    verify: (client, services) => verifySecret(client, secret, services),
  };
}
