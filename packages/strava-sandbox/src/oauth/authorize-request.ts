import { badRequest } from '../http/faults.js';
import { isOnCallbackDomain, type ClientRegistry, type RegisteredClient } from './clients.js';
import { parseRequestedScopes, type StravaScope } from './scopes.js';

export interface AuthorizeRequest {
  client: RegisteredClient;
  redirectUri: string;
  scopes: StravaScope[];
  state: string;
  approvalPrompt: 'auto' | 'force';
}

/** The checks of `GET /oauth/authorize`, in Strava's order; each failure is a 400 JSON body, never a redirect. */
export function checkAuthorizeRequest(clients: ClientRegistry, read: (name: string) => string | undefined): AuthorizeRequest {
  const client = clients.get(read('client_id'));
  if (!client) throw badRequest('Application', 'client_id');
  const redirectUri = read('redirect_uri');
  if (redirectUri === undefined || !isOnCallbackDomain(client, redirectUri)) throw badRequest('Application', 'redirect_uri');
  if (read('response_type') !== 'code') throw badRequest('Authorize', 'response_type');
  const scopes = parseRequestedScopes(read('scope'));
  if (!scopes) throw badRequest('Authorize', 'scope');
  const prompt = read('approval_prompt') ?? 'auto';
  if (prompt !== 'auto' && prompt !== 'force') throw badRequest('Authorize', 'approval_prompt');
  return { client, redirectUri, scopes, state: read('state') ?? '', approvalPrompt: prompt };
}

/** The query string that brings the browser back to the same authorize request. */
export function authorizeQuery(request: AuthorizeRequest): string {
  return new URLSearchParams({
    client_id: request.client.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    approval_prompt: request.approvalPrompt,
    scope: request.scopes.join(','),
    state: request.state,
  }).toString();
}

/** Where the browser goes back to the application: Strava sends `state` always, then `code` and `scope`, or `error`. */
export function redirectBack(request: AuthorizeRequest, result: { code: string; scopes: StravaScope[] } | { error: 'access_denied' }): string {
  const url = new URL(request.redirectUri);
  url.searchParams.set('state', request.state);
  if ('error' in result) url.searchParams.set('error', result.error);
  else {
    url.searchParams.set('code', result.code);
    url.searchParams.set('scope', result.scopes.join(','));
  }
  return url.toString();
}
