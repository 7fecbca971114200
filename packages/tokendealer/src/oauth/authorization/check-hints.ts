import { InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** An email address is at most 254 characters (RFC 5321 section 4.5.3.1.3 with the path limit). */
const MAX_LOGIN_HINT_LENGTH = 254;

/**
 * OpenID Connect Core section 3.1.2.1: login_hint (an email here, offered on the sign-in page)
 * and id_token_hint (an ID token we issued, naming the user the client expects).
 */
export function checkHints(params: AuthorizationParameters): { loginHint: string | undefined; idTokenHint: string | undefined } {
  const loginHint = params.get('login_hint');
  if (loginHint !== undefined && loginHint.length > MAX_LOGIN_HINT_LENGTH) throw new InvalidRequest(`login_hint is too long (more than ${MAX_LOGIN_HINT_LENGTH} characters)`);
  return { loginHint, idTokenHint: params.get('id_token_hint') };
}
