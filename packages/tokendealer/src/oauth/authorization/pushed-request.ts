import type { ClientRecord } from '../../clients/client.js';
import type { TokenDealer } from '../../tokendealer.js';
import { hashOpaqueToken, newOpaqueToken } from '../../tokens/opaque-token.js';
import { InvalidRequestUri } from '../errors.js';
import { AuthorizationParameters } from './authorization-parameters.js';

/** RFC 9126 section 2.2: the URN prefix of our request_uri values. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** RFC 9126 section 2.2: short-lived; the user must reach the authorization endpoint within this. */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

/** Stores validated parameters under a new 256-bit request_uri (only its hash is kept). */
export async function storePushedRequest(tokenDealer: TokenDealer, client: ClientRecord, params: AuthorizationParameters, now: number): Promise<string> {
  const token = newOpaqueToken();
  await tokenDealer.storage.pushedRequests.create({
    requestHash: token.hash,
    clientId: client.clientId,
    parameters: params.toJSON(),
    createdAt: now,
    expiresAt: now + PUSHED_REQUEST_LIFETIME_SECONDS,
  });
  return REQUEST_URI_PREFIX + token.value;
}

export interface PushedRequest {
  requestHash: string;
  params: AuthorizationParameters;
}

/**
 * RFC 9126 section 4: the pushed parameters behind a request_uri, which must be ours, unused,
 * unexpired and pushed by the client named in client_id. It is not used up here: that happens
 * once the user is signed in, so that the way back from the sign-in page still finds it.
 */
export async function resolvePushedRequest(tokenDealer: TokenDealer, requestUri: string, client: ClientRecord, now: number): Promise<PushedRequest> {
  if (!requestUri.startsWith(REQUEST_URI_PREFIX)) throw new InvalidRequestUri('request_uri must come from the pushed authorization request endpoint');
  const requestHash = hashOpaqueToken(requestUri.slice(REQUEST_URI_PREFIX.length));
  const pushed = await tokenDealer.storage.pushedRequests.find(requestHash);
  if (!pushed || pushed.clientId !== client.clientId) throw new InvalidRequestUri('request_uri is unknown or belongs to another client');
  if (pushed.usedAt !== null) throw new InvalidRequestUri('request_uri was already used');
  if (pushed.expiresAt <= now) throw new InvalidRequestUri('request_uri has expired');
  return { requestHash, params: AuthorizationParameters.from(Object.entries(pushed.parameters)) };
}
