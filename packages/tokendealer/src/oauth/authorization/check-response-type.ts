import { InvalidRequest, UnsupportedResponseType } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** RFC 6749 section 4.1.1, RFC 9700 section 2.1.2: `code` only; the implicit `token` (and `id_token`) is not issued. */
export function checkResponseType(params: AuthorizationParameters): void {
  const responseType = params.get('response_type');
  if (responseType === undefined) throw new InvalidRequest('missing required parameter response_type');
  if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
}
