import { InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** state comes back to the client unchanged (RFC 6749 section 4.1.2), within a length that fits a URL. */
export const MAX_STATE_LENGTH = 512;

export function checkState(params: AuthorizationParameters): string | undefined {
  const state = params.get('state');
  if (state !== undefined && state.length > MAX_STATE_LENGTH) throw new InvalidRequest(`state is too long (more than ${MAX_STATE_LENGTH} characters)`);
  return state;
}
