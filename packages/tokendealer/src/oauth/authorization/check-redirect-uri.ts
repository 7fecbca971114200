import type { ClientRecord } from '../../clients/client.js';
import { matchesRegisteredRedirectUri } from '../../clients/redirect-uris.js';
import { InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/**
 * RFC 9700 section 2.1: redirect_uri is required and must equal a registered one (loopback
 * ports excepted, RFC 8252 section 7.3). Until it has passed, errors are shown on a page:
 * redirecting to an unchecked URI would make us an open redirector (RFC 9700 section 4.11).
 */
export function checkRedirectUri(params: AuthorizationParameters, client: ClientRecord): string {
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) throw new InvalidRequest('missing required parameter redirect_uri');
  if (!matchesRegisteredRedirectUri(redirectUri, client.redirectUris)) throw new InvalidRequest('redirect_uri is not registered for this client');
  return redirectUri;
}
