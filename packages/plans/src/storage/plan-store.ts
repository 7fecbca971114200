// Each runner's plan: at most one, replaced whole when the runner picks another.
import { randomUUID } from 'node:crypto';
import { openMigratedDatabase, ping, staticMigrations, type DatabaseHandle, type SchemaCheckOptions } from '@runnerly/database';
import type { PlannedWeek } from '../schedule/generate-plan.js';
import { plans } from './migrations/001-plans.js';
import type { PlansDatabase } from './schema.js';

export interface StoredPlan {
  id: string;
  userId: string;
  templateId: string;
  race: { id: string; name: string; date: string; distance: number };
  baseWeekly: number;
  weeks: PlannedWeek[];
  createdAt: Date;
  updatedAt: Date;
}

export const MIGRATIONS = staticMigrations({ '001-plans': plans });

export class PlanStore {
  readonly #handle: DatabaseHandle<PlansDatabase>;

  private constructor(handle: DatabaseHandle<PlansDatabase>) {
    this.#handle = handle;
  }

  /** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
  static async open(url: string, options: SchemaCheckOptions = {}): Promise<PlanStore> {
    return new PlanStore(await openMigratedDatabase<PlansDatabase>(url, MIGRATIONS, options));
  }

  ping(): Promise<void> {
    return ping(this.#handle.db);
  }

  async find(userId: string): Promise<StoredPlan | undefined> {
    const row = await this.#handle.db.selectFrom('plans').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      templateId: row.template_id,
      race: { id: row.race_id, name: row.race_name, date: row.race_date, distance: row.race_distance },
      baseWeekly: row.base_weekly,
      weeks: JSON.parse(row.weeks) as PlannedWeek[],
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    };
  }

  /** Replaces the runner's plan in one statement; the plan id stays the same for the same runner. */
  async save(plan: Omit<StoredPlan, 'id' | 'createdAt' | 'updatedAt'>, now = Date.now()): Promise<StoredPlan> {
    const values = {
      user_id: plan.userId,
      id: randomUUID(),
      template_id: plan.templateId,
      race_id: plan.race.id,
      race_name: plan.race.name,
      race_date: plan.race.date,
      race_distance: plan.race.distance,
      base_weekly: plan.baseWeekly,
      weeks: JSON.stringify(plan.weeks),
      created_at: now,
      updated_at: now,
    };
    await this.#handle.db
      .insertInto('plans')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('user_id').doUpdateSet({
          template_id: values.template_id,
          race_id: values.race_id,
          race_name: values.race_name,
          race_date: values.race_date,
          race_distance: values.race_distance,
          base_weekly: values.base_weekly,
          weeks: values.weeks,
          updated_at: now,
        }),
      )
      .execute();
    return (await this.find(plan.userId))!;
  }

  async delete(userId: string): Promise<boolean> {
    const result = await this.#handle.db.deleteFrom('plans').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
