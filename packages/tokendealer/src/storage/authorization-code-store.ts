import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { AuthorizationCodesTable } from './schema-grants.js';

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
}

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
  };
}

/** Codes are kept this long after they expire, so that a late replay still revokes what they led to. */
const REUSE_MEMORY_SECONDS = 86_400;

export class AuthorizationCodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(code: Omit<AuthorizationCodeRecord, 'usedAt' | 'familyId'>): Promise<void> {
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
      })
      .execute();
  }

  async find(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const row = await this.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Marks the code used, atomically: of two concurrent redemptions exactly one gets true (RFC 6749 section 4.1.2). */
  async markUsed(codeHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('authorization_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Remembers the refresh token family a code led to. */
  async linkFamily(codeHash: string, familyId: string): Promise<void> {
    await this.db.updateTable('authorization_codes').set({ family_id: familyId }).where('code_hash', '=', codeHash).execute();
  }

  async pruneExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('authorization_codes').where('expires_at', '<', now - REUSE_MEMORY_SECONDS).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
