import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { AuthorizationCodesTable } from './schema-grants.js';
import { familyTransaction, insertFamily, revokeFamiliesIn, type RefreshFamilyRecord, type RefreshTokenRecord } from './refresh-token-store.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

/** What redeeming a code issues: its access token, and a refresh token family when the client gets one. */
export interface CodeRedemption {
  accessToken: { jti: string; expiresAt: number };
  family?: { family: RefreshFamilyRecord; first: RefreshTokenRecord };
}

/**
 * redeemed: the tokens are recorded; replayed: the code was used already (or is gone);
 * consent-revoked: the user revoked the client since the code was issued (the code is used up).
 */
export type RedemptionOutcome = 'redeemed' | 'replayed' | 'consent-revoked';

export interface AuthorizationCodeRecord {
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  audience: string | string[];
  /** S256 challenge (RFC 7636); null when the request carried none. */
  codeChallenge: string | null;
  authTime: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  familyId: string | null;
  /** OpenID Connect: the nonce to echo, the session id, the claims asked for in the ID token. */
  nonce: string | null;
  sid: string | null;
  idTokenClaims: string[] | null;
}

type OpenIdFields = 'nonce' | 'sid' | 'idTokenClaims';

function toRecord(row: AuthorizationCodesTable): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scopes: JSON.parse(row.scopes) as string[],
    audience: JSON.parse(row.audience) as string | string[],
    codeChallenge: row.code_challenge,
    authTime: Number(row.auth_time),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
    familyId: row.family_id,
    nonce: row.nonce,
    sid: row.sid,
    idTokenClaims: row.id_token_claims === null ? null : (JSON.parse(row.id_token_claims) as string[]),
  };
}

/**
 * Ends what a user's codes (all clients, or one) gave, inside the caller's transaction: codes not
 * yet redeemed go, and the unexpired access tokens issued from redeemed codes without a refresh
 * token family are revoked (those with a family go with the family).
 */
export async function endCodeGrantsIn(trx: Kysely<Database>, userId: string, now: number, clientId?: string): Promise<void> {
  let unused = trx.deleteFrom('authorization_codes').where('user_id', '=', userId).where('used_at', 'is', null);
  if (clientId !== undefined) unused = unused.where('client_id', '=', clientId);
  await unused.execute();
  let issued = trx
    .selectFrom('authorization_codes')
    .select(['client_id', 'access_jti', 'access_expires_at'])
    .where('user_id', '=', userId)
    .where('family_id', 'is', null)
    .where('access_expires_at', '>=', now);
  if (clientId !== undefined) issued = issued.where('client_id', '=', clientId);
  const accessTokens = (await issued.execute()).flatMap((row) =>
    row.access_jti === null || row.access_expires_at === null ? [] : [{ jti: row.access_jti, client_id: row.client_id, expires_at: Number(row.access_expires_at) }],
  );
  if (accessTokens.length > 0) {
    await trx.insertInto('revoked_tokens').values(accessTokens).onConflict((conflict) => conflict.column('jti').doNothing()).execute();
  }
}

/** Codes are kept this long after they expire, so that a late replay still revokes what they led to. */
const REUSE_MEMORY_SECONDS = 86_400;

export class AuthorizationCodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The OpenID Connect fields default to null (a plain OAuth request). */
  async create(code: Omit<AuthorizationCodeRecord, 'usedAt' | 'familyId' | OpenIdFields> & Partial<Pick<AuthorizationCodeRecord, OpenIdFields>>): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        code_hash: code.codeHash,
        client_id: code.clientId,
        user_id: code.userId,
        redirect_uri: code.redirectUri,
        scopes: JSON.stringify(code.scopes),
        audience: JSON.stringify(code.audience),
        code_challenge: code.codeChallenge,
        auth_time: code.authTime,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        used_at: null,
        family_id: null,
        access_jti: null,
        access_expires_at: null,
        nonce: code.nonce ?? null,
        sid: code.sid ?? null,
        id_token_claims: code.idTokenClaims ? JSON.stringify(code.idTokenClaims) : null,
      })
      .execute();
  }

  async find(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const row = await this.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Uses the code up and records what it issued, in one transaction (RFC 6749 section 4.1.2):
   * of two concurrent redemptions exactly one gets 'redeemed', and a replay, however soon, finds
   * the family and the access token to revoke. The consent behind the code must still be there
   * and not younger than the code: revoking the app from the account page voids codes issued
   * before, even one on its way to the client at that moment.
   */
  async redeem(code: AuthorizationCodeRecord, now: number, issued: CodeRedemption): Promise<RedemptionOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const consent = await trx
        .selectFrom('consents')
        .select('created_at')
        .where('user_id', '=', code.userId)
        .where('client_id', '=', code.clientId)
        .executeTakeFirst();
      if (!consent || Number(consent.created_at) > code.createdAt) {
        await trx.updateTable('authorization_codes').set({ used_at: now }).where('code_hash', '=', code.codeHash).where('used_at', 'is', null).execute();
        return 'consent-revoked';
      }
      const result = await trx
        .updateTable('authorization_codes')
        .set({
          used_at: now,
          family_id: issued.family?.family.familyId ?? null,
          access_jti: issued.accessToken.jti,
          access_expires_at: issued.accessToken.expiresAt,
        })
        .where('code_hash', '=', code.codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return 'replayed';
      if (issued.family) {
        await insertFamily(trx, issued.family.family, issued.family.first);
        await trx.insertInto('family_access_tokens').values({ jti: issued.accessToken.jti, family_id: issued.family.family.familyId, expires_at: issued.accessToken.expiresAt }).execute();
      }
      return 'redeemed';
    });
  }

  /** A replayed code: revokes the refresh token family and the access token it led to (RFC 9700 section 4.5). */
  async revokeIssued(codeHash: string, now: number): Promise<void> {
    await familyTransaction(this.db).execute(async (trx) => {
      const row = await trx.selectFrom('authorization_codes').select(['client_id', 'family_id', 'access_jti', 'access_expires_at']).where('code_hash', '=', codeHash).executeTakeFirst();
      if (!row) return;
      if (row.family_id !== null) await revokeFamiliesIn(trx, [row.family_id], now);
      if (row.access_jti !== null && row.access_expires_at !== null && Number(row.access_expires_at) >= now) {
        await trx
          .insertInto('revoked_tokens')
          .values({ jti: row.access_jti, client_id: row.client_id, expires_at: Number(row.access_expires_at) })
          .onConflict((conflict) => conflict.column('jti').doNothing())
          .execute();
      }
    });
  }

  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'authorization_codes', 'code_hash', (eb) => eb('expires_at', '<', now - REUSE_MEMORY_SECONDS), limit);
  }
}
