import type { Kysely } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import type { UserRecord, UserStatus } from '../accounts/user.js';

function toRecord(row: UsersTable): UserRecord {
  return {
    userId: row.user_id,
    email: row.email,
    emailKey: row.email_key,
    passwordHash: row.password_hash,
    status: row.status,
    createdAt: Number(row.created_at),
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
    updatedAt: Number(row.updated_at),
  };
}

export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the user; false when an account with the same email key exists. */
  async insert(user: UserRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('users')
      .values({
        user_id: user.userId,
        email: user.email,
        email_key: user.emailKey,
        password_hash: user.passwordHash,
        status: user.status,
        created_at: user.createdAt,
        confirmed_at: user.confirmedAt,
        updated_at: user.updatedAt,
      })
      .onConflict((conflict) => conflict.column('email_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async get(userId: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async findByEmailKey(emailKey: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('user_id').execute();
    return rows.map(toRecord);
  }

  /** pending -> active; false when the user is not pending (already confirmed, disabled or gone). */
  async confirm(userId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ status: 'active', confirmed_at: now, updated_at: now })
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Disabling also ends the user's sessions and voids the links mailed to them. */
  async disable(userId: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('users').set({ status: 'disabled' as UserStatus, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('link_tokens').where('user_id', '=', userId).execute();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  /**
   * A new password after a reset: every session and every other mailed link of the user ends, and a
   * pending account becomes active (following the mailed reset link proves the address too).
   * False when the user is gone or disabled.
   */
  async resetPassword(userId: string, passwordHash: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select(['status', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
      if (!user || user.status === 'disabled') return false;
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, status: 'active', confirmed_at: user.confirmed_at ?? now, updated_at: now })
        .where('user_id', '=', userId)
        .execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('link_tokens').where('user_id', '=', userId).execute();
      return true;
    });
  }

  /** Replaces a hash with a stronger one of the same password (at sign-in, after the parameters rose). */
  async rehashPassword(userId: string, oldHash: string, newHash: string, now: number): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: newHash, updated_at: now }).where('user_id', '=', userId).where('password_hash', '=', oldHash).execute();
  }

  /** Deleting a user deletes its sessions and links too (foreign keys cascade). */
  async delete(userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
