import type { ClientRecord } from '../../clients/client.js';
import { selectAudience } from '../audience.js';
import type { AuthorizationParameters } from './authorization-parameters.js';

/** RFC 8707 section 2.1: `resource` (or `audience`) picks the audience of the code's tokens, as at the token endpoint. */
export function checkResource(params: AuthorizationParameters, client: ClientRecord): string | string[] {
  return selectAudience(params, client);
}
