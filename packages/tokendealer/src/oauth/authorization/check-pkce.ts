import type { ClientRecord } from '../../clients/client.js';
import { InvalidRequest } from '../errors.js';
import { isValidChallenge } from '../pkce.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/**
 * RFC 7636 section 4.3 with RFC 9700 section 2.1.1: an S256 code_challenge is required (for
 * confidential clients only when `pkceOptional` says so), `plain` is refused.
 */
export function checkPkce(params: AuthorizationParameters, client: ClientRecord, pkceOptionalForConfidential: boolean): string | null {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    if (pkceOptionalForConfidential && client.authMethod !== 'none') return null;
    throw new InvalidRequest('missing required parameter code_challenge (PKCE with S256)');
  }
  // An absent method means plain (RFC 7636 section 4.3), which is refused like an explicit one.
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!isValidChallenge(challenge)) throw new InvalidRequest('code_challenge is malformed (43 base64url characters)');
  return challenge;
}
