// Small named values of the whole service (the webhook subscription id).
import type { Kysely } from 'kysely';
import type { StravaDatabase } from './schema.js';

export class SettingsStore {
  constructor(private readonly db: Kysely<StravaDatabase>) {}

  async get(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('strava_settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }

  async set(name: string, value: string): Promise<void> {
    await this.db.insertInto('strava_settings').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute();
  }

  async remove(name: string): Promise<void> {
    await this.db.deleteFrom('strava_settings').where('name', '=', name).execute();
  }
}
