import type { ClientRecord } from '../../clients/client.js';
import { InvalidRequest } from '../errors.js';

/** RFC 9126 section 6: a client registered with require_pushed_authorization_requests. */
export function checkParRequired(client: ClientRecord, pushed: boolean): void {
  if (client.requirePar && !pushed) throw new InvalidRequest('this client must push its authorization requests (RFC 9126)');
}
