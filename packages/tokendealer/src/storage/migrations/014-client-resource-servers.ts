import type { Kysely, Migration } from 'kysely';

// The audiences a client serves as a resource server: introspection reports a token active only
// to a resource server of one of its audiences or to the client it was issued to (RFC 7662 section 4).
export const clientResourceServers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').addColumn('resource_servers', 'text', (column) => column.notNull().defaultTo('[]')).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').dropColumn('resource_servers').execute();
  },
};
