import { openDatabase, migrateToLatest, ping, type DatabaseHandle } from './database.js';
import { ClientStore } from './client-store.js';
import { KeyStore } from './key-store.js';
import { RevocationStore } from './revocation-store.js';
import { AssertionStore } from './assertion-store.js';
import { SettingsStore } from './settings-store.js';
import { readRevision } from './change-feed.js';

/** The narrow stores the rest of TokenDealer uses; no SQL outside this folder. */
export interface Storage {
  kind: DatabaseHandle['kind'];
  clients: ClientStore;
  keys: KeyStore;
  revocations: RevocationStore;
  assertions: AssertionStore;
  settings: SettingsStore;
  readRevision(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openStorage(url: string): Promise<Storage> {
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db, handle.kind);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const { db } = handle;
  return {
    kind: handle.kind,
    clients: new ClientStore(db),
    keys: new KeyStore(db),
    revocations: new RevocationStore(db),
    assertions: new AssertionStore(db),
    settings: new SettingsStore(db),
    readRevision: () => readRevision(db),
    ping: () => ping(db),
    close: () => handle.close(),
  };
}
