import { InvalidClient, InvalidRequest } from '../errors.js';
import type { PresentedCredentials } from './context.js';
import { verifySecret } from './verify-secret.js';

const MAX_CREDENTIAL_LENGTH = 1024;

/** application/x-www-form-urlencoded decoding; ids and secrets of ours hold nothing to decode. */
function formDecode(value: string): string {
  if (value.indexOf('%') === -1 && value.indexOf('+') === -1) return value;
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** RFC 6749 section 2.3.1: HTTP Basic with the form-urlencoded client id and secret. */
export function readClientSecretBasic(authorization: string, bodyClientId: string | undefined): PresentedCredentials {
  const match = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization);
  if (!match) throw new InvalidClient('malformed Basic authorization header');
  if (match[1]!.length > MAX_CREDENTIAL_LENGTH) throw new InvalidClient('Basic credentials too long');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new InvalidClient('malformed Basic credentials');
  let clientId: string;
  let secret: string;
  try {
    clientId = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    throw new InvalidClient('malformed percent-encoding in Basic credentials');
  }
  if (!clientId || !secret) throw new InvalidClient('empty client id or secret in Basic credentials');
  if (bodyClientId !== undefined && bodyClientId !== clientId) {
    throw new InvalidRequest('client_id in the body differs from the authenticated client');
  }
  return {
    method: 'client_secret_basic',
    clientId,
    verify: (client, services) => verifySecret(client, secret, services),
  };
}
