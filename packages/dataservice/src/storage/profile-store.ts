// Runner profiles: created with defaults on a runner's first request, changed by the runner, and
// the e-mail address kept by the dashboard's backend at each sign-in.
import type { Kysely, Selectable } from 'kysely';
import type { Profile } from '../schemas/profile-schemas.js';
import type { DataServiceDatabase, ProfileTable } from './schema.js';

export interface ProfileChangesRow {
  display_name?: string | null;
  timezone?: string;
  units?: 'km' | 'mi';
  birth_year?: number | null;
  weight_kg?: number | null;
  max_heartrate?: number | null;
  resting_heartrate?: number | null;
  report_emails?: boolean;
}

export interface ProfileStore {
  find(sub: string): Promise<Profile | undefined>;
  /** The profile, created with defaults when the runner has none yet. */
  findOrCreate(sub: string, now: string): Promise<Profile>;
  update(sub: string, changes: ProfileChangesRow, now: string): Promise<Profile>;
  /** Keeps the runner's address, creating the profile when needed. */
  setEmail(sub: string, email: string | null, now: string): Promise<void>;
}

function toProfile(row: Selectable<ProfileTable>): Profile {
  return {
    id: row.sub,
    display_name: row.display_name,
    timezone: row.timezone,
    units: row.units,
    birth_year: row.birth_year,
    weight_kg: row.weight_kg,
    max_heartrate: row.max_heartrate,
    resting_heartrate: row.resting_heartrate,
    email: row.email,
    report_emails: row.report_emails === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function defaults(sub: string, now: string): ProfileTable {
  return {
    sub,
    display_name: null,
    timezone: 'UTC',
    units: 'km',
    birth_year: null,
    weight_kg: null,
    max_heartrate: null,
    resting_heartrate: null,
    email: null,
    report_emails: 1,
    created_at: now,
    updated_at: now,
  };
}

export class KyselyProfileStore implements ProfileStore {
  constructor(private readonly db: Kysely<DataServiceDatabase>) {}

  async find(sub: string): Promise<Profile | undefined> {
    const row = await this.db.selectFrom('profiles').selectAll().where('sub', '=', sub).executeTakeFirst();
    return row && toProfile(row);
  }

  async findOrCreate(sub: string, now: string): Promise<Profile> {
    const existing = await this.find(sub);
    if (existing) return existing;
    // Two first requests at once: one insert wins, the other is ignored, both read the same row.
    await this.db.insertInto('profiles').values(defaults(sub, now)).onConflict((conflict) => conflict.column('sub').doNothing()).execute();
    const created = await this.find(sub);
    if (!created) throw new Error('profile vanished after creation');
    return created;
  }

  async update(sub: string, changes: ProfileChangesRow, now: string): Promise<Profile> {
    await this.findOrCreate(sub, now);
    const { report_emails, ...rest } = changes;
    await this.db
      .updateTable('profiles')
      .set({ ...rest, ...(report_emails === undefined ? {} : { report_emails: report_emails ? 1 : 0 }), updated_at: now })
      .where('sub', '=', sub)
      .execute();
    return (await this.find(sub))!;
  }

  async setEmail(sub: string, email: string | null, now: string): Promise<void> {
    await this.db
      .insertInto('profiles')
      .values({ ...defaults(sub, now), email })
      .onConflict((conflict) => conflict.column('sub').doUpdateSet({ email, updated_at: now }))
      .execute();
  }
}
