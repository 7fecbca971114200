import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface ConsentRecord {
  userId: string;
  clientId: string;
  scopes: string[];
  /** When the user first authorized the client. */
  createdAt: number;
  updatedAt: number;
}

// The consents users have given: per user and client, the scopes granted so far.
export class ConsentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(userId: string, clientId: string): Promise<ConsentRecord | undefined> {
    const row = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Records the scopes as granted (the caller passes the union with earlier grants). */
  async grant(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    await this.db
      .insertInto('consents')
      .values({ user_id: userId, client_id: clientId, scopes: JSON.stringify(scopes), created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.columns(['user_id', 'client_id']).doUpdateSet({ scopes: JSON.stringify(scopes), updated_at: now }))
      .execute();
  }

  async listForUser(userId: string): Promise<ConsentRecord[]> {
    const rows = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('client_id').execute();
    return rows.map(toRecord);
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRecord(row: { user_id: string; client_id: string; scopes: string; created_at: number; updated_at: number }): ConsentRecord {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
