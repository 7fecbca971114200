import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { deleteBatch } from '@runnerly/database';
import { PRUNE_BATCH } from './prune-batch.js';

export interface PushedRequestRecord {
  requestHash: string;
  clientId: string;
  parameters: Record<string, string[]>;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

// Pushed authorization requests (RFC 9126), keyed by the SHA-256 of their request_uri.
export class PushedRequestStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(record: Omit<PushedRequestRecord, 'usedAt'>): Promise<void> {
    await this.db
      .insertInto('pushed_authorization_requests')
      .values({
        request_hash: record.requestHash,
        client_id: record.clientId,
        parameters: JSON.stringify(record.parameters),
        created_at: record.createdAt,
        expires_at: record.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async find(requestHash: string): Promise<PushedRequestRecord | undefined> {
    const row = await this.db.selectFrom('pushed_authorization_requests').selectAll().where('request_hash', '=', requestHash).executeTakeFirst();
    if (!row) return undefined;
    return {
      requestHash: row.request_hash,
      clientId: row.client_id,
      parameters: JSON.parse(row.parameters) as Record<string, string[]>,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** Uses the request up, atomically: of two concurrent uses exactly one gets true (RFC 9126 section 4: one-time use). */
  async markUsed(requestHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('pushed_authorization_requests')
      .set({ used_at: now })
      .where('request_hash', '=', requestHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  pruneExpired(now: number, limit = PRUNE_BATCH): Promise<number> {
    return deleteBatch(this.db, 'pushed_authorization_requests', 'request_hash', (eb) => eb('expires_at', '<=', now), limit);
  }
}
