import type { ClientRecord } from '../../clients/client.js';
import type { FormParameters } from '../parameters.js';

export interface ClientAuthRequest {
  params: FormParameters;
  authorization: string | undefined;
  ip: string;
}

/** What an authentication method needs from the server. */
export interface ClientAuthServices {
  secretMatches(secret: string, storedHash: string): boolean;
  verifyAssertion(client: ClientRecord, assertion: string): Promise<void>;
}

/** The method a request used, and the client it claims to be. */
export interface PresentedCredentials {
  method: ClientRecord['authMethod'];
  clientId: string;
  verify(client: ClientRecord, services: ClientAuthServices): Promise<void> | void;
}
