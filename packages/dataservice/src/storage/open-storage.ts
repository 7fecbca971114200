// Opens the data service's database, brings its schema up to date and hands out the stores.
import { openMigratedDatabase, ping, type DatabaseKind, type SchemaCheckOptions } from '@runnerly/database';
import { dataServiceMigrations, MIGRATION_TABLE } from './migrations/index.js';
import { KyselyProfileStore, type ProfileStore } from './profile-store.js';
import { KyselyRaceStore, type RaceStore } from './race-store.js';
import { KyselyRunStore, type RunStore } from './run-store.js';
import type { DataServiceDatabase } from './schema.js';

export interface DataServiceStorage {
  kind: DatabaseKind;
  profiles: ProfileStore;
  runs: RunStore;
  races: RaceStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
export async function openStorage(url: string, options: SchemaCheckOptions = {}): Promise<DataServiceStorage> {
  const handle = await openMigratedDatabase<DataServiceDatabase>(url, dataServiceMigrations, { tableName: MIGRATION_TABLE, ...options });
  return {
    kind: handle.kind,
    profiles: new KyselyProfileStore(handle.db),
    runs: new KyselyRunStore(handle.db),
    races: new KyselyRaceStore(handle.db),
    ping: () => ping(handle.db),
    close: () => handle.close(),
  };
}
