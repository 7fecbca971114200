import { InvalidRequest } from '../errors.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** OAuth 2.0 Multiple Response Types section 2.1: responses go in the query, the default for `code`. */
export function checkResponseMode(params: AuthorizationParameters): void {
  const mode = params.get('response_mode');
  if (mode !== undefined && mode !== 'query') throw new InvalidRequest('only response_mode=query is supported');
}
