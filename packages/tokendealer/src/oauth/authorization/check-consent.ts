import type { AuthorizationRequest } from './authorization-request.js';

/** Whether to ask the user: prompt=consent always asks, otherwise only for scopes not granted before. */
export function mustAskConsent(request: AuthorizationRequest, granted: readonly string[] | undefined): boolean {
  if (request.prompt.includes('consent') || granted === undefined) return true;
  return request.scopes.some((scope) => !granted.includes(scope));
}
