import { openDatabase, migrateToLatest, ping, type DatabaseHandle, type SchemaCheckOptions } from './database.js';
import { ClientStore } from './client-store.js';
import { KeyStore } from './key-store.js';
import { AuthorizationCodeStore } from './authorization-code-store.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { RevocationStore } from './revocation-store.js';
import { AssertionStore } from './assertion-store.js';
import { SettingsStore } from './settings-store.js';
import { UserStore } from './user-store.js';
import { SessionStore } from './session-store.js';
import { LinkTokenStore } from './link-token-store.js';
import { PushedRequestStore } from './pushed-request-store.js';
import { PendingAuthorizationStore } from './pending-authorization-store.js';
import { ConsentStore } from './consent-store.js';
import { MailOutboxStore } from './mail-outbox-store.js';
import { FailureCountStore } from './failure-count-store.js';
import { readRevision } from './change-feed.js';

/** The narrow stores the rest of TokenDealer uses; no SQL outside this folder. */
export interface Storage {
  kind: DatabaseHandle['kind'];
  clients: ClientStore;
  keys: KeyStore;
  authorizationCodes: AuthorizationCodeStore;
  refreshTokens: RefreshTokenStore;
  revocations: RevocationStore;
  assertions: AssertionStore;
  settings: SettingsStore;
  users: UserStore;
  sessions: SessionStore;
  linkTokens: LinkTokenStore;
  pushedRequests: PushedRequestStore;
  pendingAuthorizations: PendingAuthorizationStore;
  consents: ConsentStore;
  mailOutbox: MailOutboxStore;
  failureCounts: FailureCountStore;
  readRevision(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
export async function openStorage(url: string, options: SchemaCheckOptions = {}): Promise<Storage> {
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db, handle.kind, options);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { db } = handle;
  return {
    kind: handle.kind,
    clients: new ClientStore(db),
    keys: new KeyStore(db),
    authorizationCodes: new AuthorizationCodeStore(db),
    refreshTokens: new RefreshTokenStore(db),
    revocations: new RevocationStore(db),
    assertions: new AssertionStore(db),
    settings: new SettingsStore(db),
    users: new UserStore(db),
    sessions: new SessionStore(db),
    linkTokens: new LinkTokenStore(db),
    pushedRequests: new PushedRequestStore(db),
    pendingAuthorizations: new PendingAuthorizationStore(db),
    consents: new ConsentStore(db),
    mailOutbox: new MailOutboxStore(db, handle.kind),
    failureCounts: new FailureCountStore(db),
    readRevision: () => readRevision(db),
    ping: () => ping(db),
    close: () => handle.close(),
  };
}
