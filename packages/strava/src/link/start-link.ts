// Step one of linking: a state bound to the runner (random, stored hashed, single use, ten
// minutes) and Strava's authorize URL to send the browser to.
import { randomBytes } from 'node:crypto';
import { badRequest } from '@runnerly/http-service';
import { redirectUri } from '../config/options.js';
import { allowedReturnUrl } from '../config/return-urls.js';
import { REQUESTED_SCOPES } from '../oauth/scopes.js';
import type { ServiceContext } from '../service-context.js';

export const STATE_TTL_SECONDS = 600;

export async function startLink(context: ServiceContext, sub: string, returnTo: string | undefined): Promise<string> {
  const { config } = context;
  const destination = returnTo === undefined ? config.returnUrls[0]! : allowedReturnUrl(returnTo, config.returnUrls);
  if (destination === undefined) throw badRequest('return_to', 'is not under an allowed return URL');
  const state = randomBytes(32).toString('base64url');
  const now = Math.floor(context.clock() / 1000);
  await context.states.save(state, { sub, returnTo: destination, expiresAt: now + STATE_TTL_SECONDS }, now);
  const url = new URL(`${config.oauthUrl}/authorize`);
  url.search = new URLSearchParams({
    client_id: config.clientId!,
    redirect_uri: redirectUri(config),
    response_type: 'code',
    approval_prompt: 'auto',
    scope: REQUESTED_SCOPES.join(','),
    state,
  }).toString();
  return url.toString();
}
