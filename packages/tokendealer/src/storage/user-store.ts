import type { Kysely } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import type { UserProfile, UserRecord, UserStatus } from '../accounts/user.js';
import { familyTransaction, revokeUserFamiliesIn } from './refresh-token-store.js';
import { endCodeGrantsIn } from './authorization-code-store.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

/** Ends every grant a user holds, inside the caller's transaction: unredeemed codes, refresh token families and the access tokens issued to apps. */
async function endGrants(trx: Kysely<Database>, userId: string, now: number): Promise<void> {
  await endCodeGrantsIn(trx, userId, now);
  await revokeUserFamiliesIn(trx, userId, now);
}

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
    profile: { name: row.name, zoneinfo: row.zoneinfo, locale: row.locale },
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
        name: user.profile.name,
        zoneinfo: user.profile.zoneinfo,
        locale: user.profile.locale,
      })
      .onConflict((conflict) => conflict.column('email_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Replaces the profile claims; false when the user is gone. */
  async setProfile(userId: string, profile: UserProfile, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ name: profile.name, zoneinfo: profile.zoneinfo, locale: profile.locale, updated_at: now })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
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

  /**
   * pending -> active, with the password hash the confirmation link carries (that of the sign-up
   * which mailed it), voiding the user's other confirmation links; false when the user is not
   * pending (already confirmed, disabled or gone).
   */
  async confirm(userId: string, passwordHash: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('users')
        .set({ status: 'active', password_hash: passwordHash, confirmed_at: now, updated_at: now })
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx.deleteFrom('link_tokens').where('user_id', '=', userId).where('purpose', '=', 'confirm').execute();
      return true;
    });
  }

  /** Disabling also ends the user's sessions, voids the links mailed to them and revokes their grants. */
  async disable(userId: string, now: number): Promise<boolean> {
    return familyTransaction(this.db).execute(async (trx) => {
      const result = await trx.updateTable('users').set({ status: 'disabled' as UserStatus, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('link_tokens').where('user_id', '=', userId).execute();
      await endGrants(trx, userId, now);
      return Number(result.numUpdatedRows) === 1;
    });
  }

  /**
   * A new password after a reset: every session, every other mailed link and every grant of the
   * user ends (whoever knew the old password may have authorized apps with it), and a pending
   * account becomes active (following the mailed reset link proves the address too). False when
   * the user is gone or disabled.
   */
  async resetPassword(userId: string, passwordHash: string, now: number): Promise<boolean> {
    return familyTransaction(this.db).execute(async (trx) => {
      const user = await trx.selectFrom('users').select(['status', 'confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
      if (!user || user.status === 'disabled') return false;
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, status: 'active', confirmed_at: user.confirmed_at ?? now, updated_at: now })
        .where('user_id', '=', userId)
        .execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('link_tokens').where('user_id', '=', userId).execute();
      await endGrants(trx, userId, now);
      return true;
    });
  }

  /** Replaces a hash with a stronger one of the same password (at sign-in, after the parameters rose). */
  async rehashPassword(userId: string, oldHash: string, newHash: string, now: number): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: newHash, updated_at: now }).where('user_id', '=', userId).where('password_hash', '=', oldHash).execute();
  }

  /**
   * Deletes up to `limit` abandoned sign-ups: accounts still pending that were created before
   * `createdBefore` and have no confirmation link left that works at `now`. Nobody ever signed in
   * to them (a pending account cannot), so they hold no grants, sessions or tokens; signing up
   * again with the email starts afresh.
   */
  pruneAbandonedSignUps(now: number, createdBefore: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(
      this.db,
      'users',
      'user_id',
      (eb) =>
        eb.and([
          eb('status', '=', 'pending'),
          eb('created_at', '<', createdBefore),
          eb.not(eb.exists(eb.selectFrom('link_tokens').select('token_hash').whereRef('link_tokens.user_id', '=', 'users.user_id').where('link_tokens.expires_at', '>', now))),
        ]),
      limit,
    );
  }

  /** Deleting a user deletes its sessions, links and consents too (foreign keys cascade) and revokes its grants. */
  async delete(userId: string, now = Math.floor(Date.now() / 1000)): Promise<boolean> {
    return familyTransaction(this.db).execute(async (trx) => {
      await endGrants(trx, userId, now);
      const result = await trx.deleteFrom('users').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}
