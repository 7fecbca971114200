import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { familyTransaction, revokeUserFamiliesIn } from './refresh-token-store.js';
import { endCodeGrantsIn } from './authorization-code-store.js';

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

  /**
   * The user takes back everything given to a client, in one transaction: the consent, the codes
   * not yet redeemed (one issued a moment ago would otherwise start a new authorization), every
   * refresh token family with its access tokens, and the access tokens issued from codes without
   * a family. The codes go before the families are read, so that on PostgreSQL a redemption
   * under way is waited for and its new family revoked too. Returns how many families were live.
   */
  async revokeApp(userId: string, clientId: string, now: number): Promise<number> {
    return familyTransaction(this.db).execute(async (trx) => {
      await trx.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
      await endCodeGrantsIn(trx, userId, now, clientId);
      return revokeUserFamiliesIn(trx, userId, now, clientId);
    });
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
