import type { Grant } from './grant.js';
import { clientCredentialsGrant } from './client-credentials.js';

/** The grants this server composes; adding a grant adds a file and a line here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([clientCredentialsGrant].map((grant) => [grant.grantType, grant]));
