// One bounded batch of a background cleanup: DELETE has no LIMIT on PostgreSQL (nor on SQLite as
// built by default), so the rows are named by a sub-select that has one.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';

/**
 * Deletes at most `limit` rows of `table` that match `where`, naming them by their primary key
 * (one column, or several for a composite key). Returns how many went. Running it twice at once
 * (two instances) is harmless: a row already deleted is just not deleted again.
 */
export async function deleteBatch(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema type
  db: Kysely<any>,
  table: string,
  key: string | readonly string[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any service's schema type
  where: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>,
  limit: number,
): Promise<number> {
  const keys = typeof key === 'string' ? [key] : [...key];
  const batch = db.selectFrom(table).select(keys).where(where).limit(limit);
  const keyExpression = keys.length === 1 ? sql.ref(keys[0]!) : sql`(${sql.join(keys.map((column) => sql.ref(column)))})`;
  const result = await db.deleteFrom(table).where(sql<SqlBool>`${keyExpression} in (${batch})`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
