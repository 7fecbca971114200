import type { ClientRecord } from '../../clients/client.js';
import { InvalidClient } from '../errors.js';
import type { ClientAuthServices } from './context.js';

export function verifySecret(client: ClientRecord, secret: string, services: ClientAuthServices): void {
  if (client.secretHash === null || !services.secretMatches(secret, client.secretHash)) {
    throw new InvalidClient('client authentication failed');
  }
}
