import type { ClientRecord } from '../clients/client.js';

/**
 * RFC 7662 section 4: whether the caller may learn that an access token is active: it is the
 * resource server of one of the token's audiences, or the client the token was issued to.
 */
export function mayIntrospectAccessToken(caller: ClientRecord, token: { client_id: string; aud: string | readonly string[] }): boolean {
  if (caller.clientId === token.client_id) return true;
  if (caller.resourceServers.length === 0) return false;
  const audiences: readonly string[] = typeof token.aud === 'string' ? [token.aud] : token.aud;
  return audiences.some((audience) => caller.resourceServers.includes(audience));
}
