import type { AuthorizationRequest } from './authorization-request.js';

/**
 * The installation's own apps (registered as first party, such as the dashboard) sign users in
 * without a consent page, unless the request asks for one with prompt=consent.
 */
export function skipsConsentPage(request: AuthorizationRequest): boolean {
  return request.client.firstParty && !request.prompt.includes('consent');
}
