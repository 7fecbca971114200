import type { ExpressionBuilder, Kysely } from 'kysely';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';
import type { Database } from './schema.js';
import type { RefreshFamiliesTable, RefreshTokensTable } from './schema-grants.js';

/** One chain of refresh tokens from one authorization: rotation replaces tokens, the family stays. */
export interface RefreshFamilyRecord {
  familyId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  audience: string | string[];
  authTime: number;
  createdAt: number;
  /** Absolute end of the family, whatever the rotations. */
  expiresAt: number;
  revokedAt: number | null;
  /** OpenID Connect: the session the grant started in and the claims asked for in ID tokens (null when none). */
  sid?: string | null;
  idTokenClaims?: string[] | null;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  createdAt: number;
  idleExpiresAt: number;
  rotatedAt: number | null;
  /** The token this one replaced, or null for a family's first token. */
  parentHash?: string | null;
}

function toFamily(row: RefreshFamiliesTable): RefreshFamilyRecord {
  return {
    familyId: row.family_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: JSON.parse(row.scopes) as string[],
    audience: JSON.parse(row.audience) as string | string[],
    authTime: Number(row.auth_time),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    sid: row.sid,
    idTokenClaims: row.id_token_claims === null ? null : (JSON.parse(row.id_token_claims) as string[]),
  };
}

function toToken(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    familyId: row.family_id,
    createdAt: Number(row.created_at),
    idleExpiresAt: Number(row.idle_expires_at),
    rotatedAt: row.rotated_at === null ? null : Number(row.rotated_at),
    parentHash: row.parent_hash,
  };
}

function tokenRow(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    token_hash: token.tokenHash,
    family_id: token.familyId,
    created_at: token.createdAt,
    idle_expires_at: token.idleExpiresAt,
    rotated_at: token.rotatedAt,
    grace_successor_at: null,
    parent_hash: token.parentHash ?? null,
  };
}

/** Inserts a family and its first token, inside the caller's transaction. */
export async function insertFamily(trx: Kysely<Database>, family: RefreshFamilyRecord, first: RefreshTokenRecord): Promise<void> {
  await trx
    .insertInto('refresh_families')
    .values({
      family_id: family.familyId,
      client_id: family.clientId,
      user_id: family.userId,
      scopes: JSON.stringify(family.scopes),
      audience: JSON.stringify(family.audience),
      auth_time: family.authTime,
      created_at: family.createdAt,
      expires_at: family.expiresAt,
      revoked_at: null,
      sid: family.sid ?? null,
      id_token_claims: family.idTokenClaims ? JSON.stringify(family.idTokenClaims) : null,
    })
    .execute();
  await trx.insertInto('refresh_tokens').values(tokenRow(first)).execute();
}

/**
 * A transaction that renews or revokes refresh token families. holdLiveFamily and the revocations
 * rely on READ COMMITTED on PostgreSQL (an update that waited for a row lock re-checks the row,
 * and each statement sees what committed before it): pinned, so that a server whose default is
 * REPEATABLE READ or SERIALIZABLE does not turn these races into serialization errors. SQLite
 * ignores it (one write transaction at a time is stricter anyway).
 */
export function familyTransaction(db: Kysely<Database>) {
  return db.transaction().setIsolationLevel('read committed');
}

/**
 * Revokes families and every unexpired access token issued from them, inside the caller's
 * transaction (a familyTransaction). Returns how many families were still live.
 */
export async function revokeFamiliesIn(trx: Kysely<Database>, familyIds: string[], now: number): Promise<number> {
  if (familyIds.length === 0) return 0;
  const result = await trx
    .updateTable('refresh_families')
    .set({ revoked_at: now })
    .where('family_id', 'in', familyIds)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const accessTokens = await trx
    .selectFrom('family_access_tokens as issued')
    .innerJoin('refresh_families as family', 'family.family_id', 'issued.family_id')
    .select(['issued.jti', 'issued.expires_at', 'family.client_id'])
    .where('issued.family_id', 'in', familyIds)
    .where('issued.expires_at', '>=', now)
    .execute();
  if (accessTokens.length > 0) {
    await trx
      .insertInto('revoked_tokens')
      .values(accessTokens.map((token) => ({ jti: token.jti, client_id: token.client_id, expires_at: Number(token.expires_at) })))
      .onConflict((conflict) => conflict.column('jti').doNothing())
      .execute();
  }
  return Number(result.numUpdatedRows);
}

/** Revokes a user's live families (all clients, or one) with their access tokens, inside the caller's transaction. */
export async function revokeUserFamiliesIn(trx: Kysely<Database>, userId: string, now: number, clientId?: string): Promise<number> {
  let query = trx.selectFrom('refresh_families').select('family_id').where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (clientId !== undefined) query = query.where('client_id', '=', clientId);
  const families = await query.execute();
  return revokeFamiliesIn(trx, families.map((family) => family.family_id), now);
}

/** An access token issued from a family, so that revoking the family can revoke it too. */
export interface FamilyAccessToken {
  jti: string;
  expiresAt: number;
}

/** What became of a refresh: tokens issued, the token already used, or the family revoked first. */
export type RenewalOutcome = 'renewed' | 'used' | 'family-revoked';

/**
 * Holds the family for the rest of the caller's transaction, if it is still live: a write to its
 * row that changes nothing but takes the row's lock (on SQLite, the database's write lock). A
 * revocation committed first makes it fail (PostgreSQL, in READ COMMITTED, waits for a revocation
 * under way, then re-checks the row); a revocation that comes later waits for the caller's commit
 * and then finds the access token recorded in the same transaction. A read of the family before,
 * outside the transaction, decides nothing.
 */
async function holdLiveFamily(trx: Kysely<Database>, familyId: string, now: number): Promise<boolean> {
  const result = await trx
    .updateTable('refresh_families')
    .set((eb) => ({ revoked_at: eb.ref('revoked_at') }))
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function recordAccessTokenIn(trx: Kysely<Database>, familyId: string, accessToken: FamilyAccessToken): Promise<void> {
  await trx.insertInto('family_access_tokens').values({ jti: accessToken.jti, family_id: familyId, expires_at: accessToken.expiresAt }).execute();
}

export class RefreshTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createFamily(family: RefreshFamilyRecord, first: RefreshTokenRecord): Promise<void> {
    await this.db.transaction().execute((trx) => insertFamily(trx, family, first));
  }

  async find(tokenHash: string): Promise<{ token: RefreshTokenRecord; family: RefreshFamilyRecord } | undefined> {
    const token = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!token) return undefined;
    const family = await this.db.selectFrom('refresh_families').selectAll().where('family_id', '=', token.family_id).executeTakeFirst();
    return family ? { token: toToken(token), family: toFamily(family) } : undefined;
  }

  /**
   * Replaces a token by its successor and records the access token issued with it, in one
   * transaction with the family held live (see holdLiveFamily). 'used' when the token was
   * rotated meanwhile (a concurrent refresh won): the caller then treats the use as a replay,
   * within the grace period or not.
   */
  async rotate(tokenHash: string, successor: RefreshTokenRecord, accessToken: FamilyAccessToken, now: number): Promise<RenewalOutcome> {
    return familyTransaction(this.db).execute(async (trx) => {
      if (!(await holdLiveFamily(trx, successor.familyId, now))) return 'family-revoked';
      const result = await trx
        .updateTable('refresh_tokens')
        .set({ rotated_at: now })
        .where('token_hash', '=', tokenHash)
        .where('rotated_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 'used';
      await trx.insertInto('refresh_tokens').values(tokenRow(successor)).execute();
      await recordAccessTokenIn(trx, successor.familyId, accessToken);
      return 'renewed';
    });
  }

  /**
   * The one further successor a rotated token may have, presented again within the grace period
   * (a concurrent refresh of the same client), with its access token, in one transaction with the
   * family held live. 'used' when it already had it, or when one of its successors has itself been
   * used (rotated): that use is a replay, and the caller revokes the family. The family's row lock
   * orders this against the successor's own rotation.
   */
  async addGraceSuccessor(rotatedHash: string, successor: RefreshTokenRecord, accessToken: FamilyAccessToken, now: number): Promise<RenewalOutcome> {
    return familyTransaction(this.db).execute(async (trx) => {
      if (!(await holdLiveFamily(trx, successor.familyId, now))) return 'family-revoked';
      // RFC 9700 section 4.14.2: once a successor has been used, the client has moved on; this is a replay.
      const usedSuccessor = await trx
        .selectFrom('refresh_tokens')
        .select('token_hash')
        .where('parent_hash', '=', rotatedHash)
        .where('rotated_at', 'is not', null)
        .executeTakeFirst();
      if (usedSuccessor) return 'used';
      const result = await trx
        .updateTable('refresh_tokens')
        .set({ grace_successor_at: now })
        .where('token_hash', '=', rotatedHash)
        .where('rotated_at', 'is not', null)
        .where('grace_successor_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 'used';
      await trx.insertInto('refresh_tokens').values(tokenRow(successor)).execute();
      await recordAccessTokenIn(trx, successor.familyId, accessToken);
      return 'renewed';
    });
  }

  /**
   * A token that is not rotated (rotation off for the client) lives on: its idle deadline moves,
   * and the access token issued is recorded, in one transaction with the family held live.
   */
  async touch(token: RefreshTokenRecord, idleExpiresAt: number, accessToken: FamilyAccessToken, now: number): Promise<'renewed' | 'family-revoked'> {
    return familyTransaction(this.db).execute(async (trx) => {
      if (!(await holdLiveFamily(trx, token.familyId, now))) return 'family-revoked';
      await trx.updateTable('refresh_tokens').set({ idle_expires_at: idleExpiresAt }).where('token_hash', '=', token.tokenHash).execute();
      await recordAccessTokenIn(trx, token.familyId, accessToken);
      return 'renewed';
    });
  }

  /**
   * Revokes families and, in the same transaction, every unexpired access token issued from
   * them. Returns how many families were still live.
   */
  async revokeFamilies(familyIds: string[], now: number): Promise<number> {
    if (familyIds.length === 0) return 0;
    return familyTransaction(this.db).execute((trx) => revokeFamiliesIn(trx, familyIds, now));
  }

  /** Live families of a user (optionally for one client): the apps a user has authorized. */
  async liveFamilies(userId: string, now: number, clientId?: string): Promise<RefreshFamilyRecord[]> {
    let query = this.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
    if (clientId !== undefined) query = query.where('client_id', '=', clientId);
    return (await query.orderBy('created_at').execute()).map(toFamily);
  }

  /** Deletes up to `limit` expired access-token records (kept to revoke a family's live tokens). */
  pruneAccessTokens(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'family_access_tokens', 'jti', (eb) => eb('expires_at', '<', now), limit);
  }

  /**
   * Deletes up to `limit` revoked or ended families with their refresh tokens. They are kept a day
   * for replay detection first. Returns how many families went.
   */
  async pruneFamilies(now: number, limit = PRUNE_BATCH): Promise<number> {
    const ended = (w: ExpressionBuilder<Database, 'refresh_families'>) => w.or([w('expires_at', '<', now - 86_400), w('revoked_at', '<', now - 86_400)]);
    const familyIds = (await this.db.selectFrom('refresh_families').select('family_id').where(ended).limit(limit).execute()).map((row) => row.family_id);
    if (familyIds.length === 0) return 0;
    // The tokens go with their family (ON DELETE CASCADE), also on SQLite without foreign keys enforced.
    await this.db.deleteFrom('refresh_tokens').where('family_id', 'in', familyIds).execute();
    const result = await this.db.deleteFrom('refresh_families').where('family_id', 'in', familyIds).where(ended).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
