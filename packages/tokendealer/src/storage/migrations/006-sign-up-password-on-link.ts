import type { Kysely, Migration } from 'kysely';

// A confirmation link carries the password hash chosen at the sign-up that mailed it, and
// following the link sets that hash: whoever signed up first with somebody else's address
// (and a password of their own) no longer owns the account its owner confirms. Links mailed
// before this migration carry no password and could still confirm such an account, so they
// are voided; signing up again mails a new one.
export const signUpPasswordOnLink: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('link_tokens').addColumn('password_hash', 'text').execute();
    await (db as Kysely<{ link_tokens: { purpose: string } }>).deleteFrom('link_tokens').where('purpose', '=', 'confirm').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('link_tokens').dropColumn('password_hash').execute();
  },
};
