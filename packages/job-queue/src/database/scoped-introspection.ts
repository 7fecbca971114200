// Kysely's migrator asks the database's introspector whether its bookkeeping tables exist. The
// stock PostgreSQL introspector answers by reading every column of every schema in the database,
// which fails when another installation drops its schema during the scan ("schema ... does not
// exist") and is slow on shared databases. The queue's migrations see the host's Kysely through a
// view whose introspector looks only at the schema the connection works in.
import { sql } from 'kysely';
import type { DatabaseIntrospector, DatabaseMetadata, Kysely, SchemaMetadata, TableMetadata } from 'kysely';

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = current_schema()`.execute(this.db);
    return rows.map((row) => ({ name: row.name }));
  }

  /** Tables and views of the current schema, by name only: the migrator needs no columns. */
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    return rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** The same Kysely, but introspecting the current schema only. Its methods stay bound to it (Kysely keeps private state). */
export function withCurrentSchemaIntrospection<DB>(db: Kysely<DB>): Kysely<DB> {
  const introspector = new CurrentSchemaIntrospector(db as Kysely<unknown>);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspector;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
