import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { oneActiveKey } from './002-one-active-key.js';
import { accounts } from './003-accounts.js';
import { authorizationCodeGrant } from './004-authorization-code-grant.js';
import { authorizationEndpoint } from './005-authorization-endpoint.js';
import { signUpPasswordOnLink } from './006-sign-up-password-on-link.js';
import { codeAccessToken } from './007-code-access-token.js';
import { refreshGraceSuccessor } from './008-refresh-grace-successor.js';
import { mailOutbox } from './009-mail-outbox.js';
import { failureCounts } from './010-failure-counts.js';
import { failureCountSubjects } from './011-failure-count-subjects.js';
import { openIdConnect } from './012-openid-connect.js';
import { refreshTokenParent } from './013-refresh-token-parent.js';
import { clientResourceServers } from './014-client-resource-servers.js';

// Versioned migrations, applied in name order. Never edit a released one: add the next.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-one-active-key': oneActiveKey,
  '003-accounts': accounts,
  '004-authorization-code-grant': authorizationCodeGrant,
  '005-authorization-endpoint': authorizationEndpoint,
  '006-sign-up-password-on-link': signUpPasswordOnLink,
  '007-code-access-token': codeAccessToken,
  '008-refresh-grace-successor': refreshGraceSuccessor,
  '009-mail-outbox': mailOutbox,
  '010-failure-counts': failureCounts,
  '011-failure-count-subjects': failureCountSubjects,
  '012-openid-connect': openIdConnect,
  '013-refresh-token-parent': refreshTokenParent,
  '014-client-resource-servers': clientResourceServers,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
