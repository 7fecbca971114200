import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Values made once per installation (such as the client-secret pepper) and then shared by
// every process on the database.
export class SettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getOrCreate(name: string, create: () => string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ name, value: create() })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return row.value;
  }
}
