import { decodeJwt } from 'jose';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { FormParameters } from '../parameters.js';
import type { PresentedCredentials } from './context.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 7523 section 2.2: a JWT signed with the client's private key; iss and sub are the client id. */
export function readPrivateKeyJwt(params: FormParameters): PresentedCredentials {
  const assertion = params.require('client_assertion');
  if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) {
    throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
  }
  let subject: unknown;
  try {
    subject = decodeJwt(assertion).sub;
  } catch {
    throw new InvalidClient('client_assertion is not a well-formed JWT');
  }
  if (typeof subject !== 'string' || subject.length === 0) throw new InvalidClient('client_assertion has no sub');
  const bodyClientId = params.get('client_id');
  if (bodyClientId !== undefined && bodyClientId !== subject) {
    throw new InvalidRequest('client_id differs from the client_assertion subject');
  }
  return {
    method: 'private_key_jwt',
    clientId: subject,
    verify: (client, services) => services.verifyAssertion(client, assertion),
  };
}
